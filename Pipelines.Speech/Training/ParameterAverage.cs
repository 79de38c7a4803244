using Rnn.Core.Nn;

namespace Pipelines.Speech.Training;

/// <summary>
/// A running mean of a model's weights taken at chosen moments (e.g. the end of each of the last
/// epochs), loaded back with <see cref="CopyTo"/>: checkpoint averaging, which usually lands in a
/// flatter, better-generalising point than the last weights alone.
/// </summary>
public sealed class ParameterAverage
{
    private readonly (string Path, double[] Sum)[] sums;

    /// <summary>Starts an empty average of <paramref name="model"/>'s parameters.</summary>
    public ParameterAverage(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        sums = model.NamedParameters().Select(p => (p.Path, new double[p.Parameter.Value.Length])).ToArray();
    }

    /// <summary>The model averaged.</summary>
    public Module Model { get; }

    /// <summary>Weight sets added so far.</summary>
    public int Count { get; private set; }

    /// <summary>Adds the model's current weights.</summary>
    public void Add()
    {
        int i = 0;
        foreach (var (path, parameter) in Model.NamedParameters())
        {
            var (expected, sum) = sums[i++];
            if (path != expected)
            {
                throw new InvalidOperationException($"parameter {i - 1} is now '{path}', was '{expected}'");
            }

            float[] values = parameter.Value.ToArray();
            for (int k = 0; k < sum.Length; k++) sum[k] += values[k];
        }

        Count++;
    }

    /// <summary>Loads the mean of the added weights into <paramref name="target"/> (same layout).</summary>
    public void CopyTo(Module target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (Count == 0) throw new InvalidOperationException("no weights were added to the average");
        int i = 0;
        foreach (var (path, parameter) in target.NamedParameters())
        {
            var (expected, sum) = sums[i++];
            if (path != expected || parameter.Value.Length != sum.Length)
            {
                throw new ArgumentException($"parameter '{path}' does not match the averaged '{expected}'");
            }

            var mean = new float[sum.Length];
            for (int k = 0; k < sum.Length; k++) mean[k] = (float)(sum[k] / Count);
            parameter.Load(mean);
        }
    }
}
