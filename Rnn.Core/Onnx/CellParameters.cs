using Rnn.Core.Nn;

namespace Rnn.Core.Onnx;

/// <summary>
/// The parameters of an LSTM or GRU cell looked up by the names of the cell contract, with their
/// shapes checked, so the ONNX converters work on any module that follows the contract.
/// </summary>
internal sealed class CellParameters
{
    private CellParameters(Dictionary<string, Parameter> parameters, int input, int hidden)
    {
        Parameters = parameters;
        Input = input;
        Hidden = hidden;
    }

    public Dictionary<string, Parameter> Parameters { get; }

    public int Input { get; }

    public int Hidden { get; }

    public float[] WeightIh => Parameters["weight_ih"].Value.ToArray();

    public float[] WeightHh => Parameters["weight_hh"].Value.ToArray();

    /// <summary>LSTM "bias" or GRU "bias_ih".</summary>
    public float[] BiasIh => (Parameters.TryGetValue("bias", out var b) ? b : Parameters["bias_ih"]).Value.ToArray();

    /// <summary>GRU "bias_hh"; null for LSTM.</summary>
    public float[]? BiasHh => Parameters.TryGetValue("bias_hh", out var b) ? b.Value.ToArray() : null;

    public static CellParameters Of(Module cell, OnnxRecurrentOp op)
    {
        int gates = OnnxRecurrentWeights.GatesOf(op);
        var parameters = cell.NamedParameters().ToDictionary(p => p.Path, p => p.Parameter, StringComparer.Ordinal);
        string[] names = op == OnnxRecurrentOp.Lstm
            ? new[] { "weight_ih", "weight_hh", "bias" }
            : new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh" };
        var missing = names.Where(n => !parameters.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException(
                $"{cell.GetType().Name} is not a {op} cell: it lacks {string.Join(", ", missing)} " +
                $"(has {string.Join(", ", parameters.Keys)})");
        }

        var wih = parameters["weight_ih"].Shape;
        var whh = parameters["weight_hh"].Shape;
        int hidden = whh.Length == 2 ? whh[1] : -1;
        bool ok = wih.Length == 2 && whh.Length == 2 && wih[0] == gates * hidden && whh[0] == gates * hidden
            && names.Skip(2).All(n => Shape.SameAs(parameters[n].Shape, new[] { gates * hidden }));
        if (!ok || hidden <= 0)
        {
            string shapes = string.Join(", ", names.Select(n => $"{n} {Shape.Format(parameters[n].Shape)}"));
            throw new ArgumentException(
                $"{cell.GetType().Name} shapes do not fit a {op} cell with {gates} gates: {shapes}");
        }

        return new CellParameters(parameters, wih[1], hidden);
    }

    public void RequireSizes(int input, int hidden, int direction)
    {
        if (input != Input || hidden != Hidden)
        {
            throw new ArgumentException(
                $"cell for direction {direction} has input {Input}, hidden {Hidden}; " +
                $"expected input {input}, hidden {hidden}");
        }
    }
}
