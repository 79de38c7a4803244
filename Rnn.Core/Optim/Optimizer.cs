using Rnn.Core.Nn;

namespace Rnn.Core.Optim;

/// <summary>
/// Shared machinery of the optimizers: the named parameter list, the step count, lazily
/// allocated per-parameter buffers (zeros on first use, on the parameter's backend), and state
/// export/import. A subclass supplies the per-parameter update.
/// </summary>
public abstract class Optimizer : IOptimizer
{
    private readonly List<(string Name, Parameter Parameter)> parameters;
    private readonly Dictionary<string, Tensor> buffers = new(StringComparer.Ordinal);
    private float learningRate;

    /// <summary>Takes the parameters with the names their state is stored under.</summary>
    /// <param name="parameters">Named parameters; names and parameters must be unique.</param>
    /// <param name="learningRate">Initial learning rate.</param>
    protected Optimizer(IEnumerable<(string Name, Parameter Parameter)> parameters, float learningRate)
    {
        this.parameters = parameters.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var (name, p) in this.parameters)
        {
            if (!names.Add(name) || !seen.Add(p))
            {
                throw new ArgumentException($"parameter '{name}' is given to the optimizer twice");
            }
        }

        LearningRate = learningRate;
    }

    /// <summary>Short lowercase name stored in <see cref="OptimizerState.Kind"/>.</summary>
    public abstract string Kind { get; }

    /// <inheritdoc/>
    public float LearningRate
    {
        get => learningRate;
        set
        {
            if (!float.IsFinite(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(value), $"learning rate must be finite and >= 0; got {value}");
            }

            learningRate = value;
        }
    }

    /// <inheritdoc/>
    public long StepCount { get; private set; }

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters => parameters;

    /// <summary>Names a module's parameters by their dotted paths ("encoder.weight").</summary>
    public static IEnumerable<(string Name, Parameter Parameter)> Named(Module model) => model.NamedParameters();

    /// <summary>Names a plain parameter list by position ("0", "1", ...).</summary>
    public static IEnumerable<(string Name, Parameter Parameter)> Named(IEnumerable<Parameter> parameters) =>
        parameters.Select((p, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), p));

    /// <inheritdoc/>
    public void Step()
    {
        StepCount++;
        using var _ = Autograd.Tape.NoGrad();
        foreach (var (name, p) in parameters)
        {
            if (p.Trainable && p.Grad is { } grad)
            {
                Update(name, p, grad);
            }
        }
    }

    /// <inheritdoc/>
    public void ZeroGrad(bool release = false)
    {
        foreach (var (_, p) in parameters)
        {
            if (release)
            {
                p.Value.Grad = null;
            }
            else
            {
                p.Value.ZeroGrad();
            }
        }
    }

    /// <summary>Updates one parameter; <see cref="StepCount"/> already counts this step.</summary>
    /// <param name="name">The parameter's name, for <see cref="Buffer"/>.</param>
    /// <param name="parameter">The parameter to update in place.</param>
    /// <param name="grad">Its gradient (read only).</param>
    protected abstract void Update(string name, Parameter parameter, Tensor grad);

    /// <summary>The named buffer of a parameter, created as zeros of its shape on first use.</summary>
    protected Tensor Buffer(string name, Parameter parameter, string slot)
    {
        string key = name + "." + slot;
        if (!buffers.TryGetValue(key, out var buffer))
        {
            buffer = parameter.Value.Backend.Zeros(parameter.Shape);
            buffers[key] = buffer;
        }

        return buffer;
    }

    /// <summary>The buffer slots this optimizer may create per parameter (for import checks).</summary>
    protected abstract IReadOnlyList<string> Slots { get; }

    /// <inheritdoc/>
    public OptimizerState ExportState() =>
        new(Kind, StepCount, LearningRate, buffers.ToDictionary(b => b.Key, b => b.Value.ToArray()));

    /// <inheritdoc/>
    public void ImportState(OptimizerState state)
    {
        if (state.Kind != Kind)
        {
            throw new ArgumentException($"optimizer state was written by '{state.Kind}'; this optimizer is '{Kind}'");
        }

        var byName = parameters.ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        var restored = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, values) in state.Buffers)
        {
            int dot = key.LastIndexOf('.');
            string name = dot < 0 ? key : key[..dot];
            string slot = dot < 0 ? "" : key[(dot + 1)..];
            if (!byName.TryGetValue(name, out var p) || !Slots.Contains(slot))
            {
                throw new ArgumentException(
                    $"{Kind} state has buffer '{key}', which matches no parameter and slot " +
                    $"({string.Join(", ", Slots)}) of this optimizer");
            }

            if (values.Length != p.Value.Length)
            {
                throw new ArgumentException(
                    $"{Kind} state buffer '{key}' has {values.Length} values; parameter '{name}' has " +
                    $"{p.Value.Length} {Rnn.Core.Shape.Format(p.Shape)}");
            }

            restored[key] = p.Value.Backend.FromArray(values, p.Shape);
        }

        buffers.Clear();
        foreach (var (key, t) in restored)
        {
            buffers[key] = t;
        }

        StepCount = state.StepCount;
        LearningRate = state.LearningRate;
    }
}
