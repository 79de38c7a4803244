namespace Rnn.Core.Nn;

/// <summary>
/// Base of every layer: owns named parameters and child modules, and a training flag that
/// dropout-like layers read. Parameter paths join child names with dots ("rnn.cell.weight_ih").
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Parameter Parameter)> parameters = new();
    private readonly List<(string Name, Module Module)> children = new();
    private readonly List<(string Name, Rng Rng)> generators = new();

    /// <summary>True while training (dropout active); set by <see cref="Train"/>/<see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Switches this module and all children to training mode.</summary>
    public void Train(bool on = true)
    {
        Training = on;
        foreach (var (_, child) in children)
        {
            child.Train(on);
        }
    }

    /// <summary>Switches this module and all children to inference mode.</summary>
    public void Eval() => Train(false);

    /// <summary>Registers a parameter under a name unique within this module.</summary>
    protected Parameter AddParameter(string name, Tensor value)
    {
        CheckName(name);
        var p = new Parameter(name, value);
        parameters.Add((name, p));
        return p;
    }

    /// <summary>
    /// Registers a random generator the module draws from while training (dropout masks), so
    /// checkpoints can save and restore its state and a resumed run draws the same numbers.
    /// </summary>
    protected Rng AddGenerator(string name, Rng rng)
    {
        CheckName(name);
        generators.Add((name, rng));
        return rng;
    }

    /// <summary>
    /// Every random generator of this module and its children with its dotted path, in
    /// registration order (the Trainer checkpoints them all).
    /// </summary>
    public IEnumerable<(string Path, Rng Rng)> NamedGenerators(string prefix = "")
    {
        foreach (var (name, rng) in generators)
        {
            yield return (prefix + name, rng);
        }

        foreach (var (name, child) in children)
        {
            foreach (var item in child.NamedGenerators(prefix + name + "."))
            {
                yield return item;
            }
        }
    }

    /// <summary>Registers a child module under a name unique within this module.</summary>
    protected T AddModule<T>(string name, T module)
        where T : Module
    {
        CheckName(name);
        children.Add((name, module));
        return module;
    }

    /// <summary>Every parameter of this module and its children, with its dotted path, in registration order.</summary>
    public IEnumerable<(string Path, Parameter Parameter)> NamedParameters(string prefix = "")
    {
        foreach (var (name, p) in parameters)
        {
            yield return (prefix + name, p);
        }

        foreach (var (name, child) in children)
        {
            foreach (var item in child.NamedParameters(prefix + name + "."))
            {
                yield return item;
            }
        }
    }

    /// <summary>Every parameter, in the order of <see cref="NamedParameters"/>.</summary>
    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Direct children with their names.</summary>
    public IEnumerable<(string Name, Module Module)> Children => children;

    /// <summary>Total number of trainable scalars.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Value.Length);

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters())
        {
            p.Value.ZeroGrad();
        }
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains('.'))
        {
            throw new ArgumentException($"module member name '{name}' must be non-empty and contain no dot");
        }

        if (parameters.Any(p => p.Name == name) || children.Any(c => c.Name == name)
            || generators.Any(g => g.Name == name))
        {
            throw new ArgumentException($"{GetType().Name} already has a member named '{name}'");
        }
    }
}

/// <summary>A module with one input and one output tensor.</summary>
public interface ILayer
{
    /// <summary>Runs the layer.</summary>
    Tensor Forward(Tensor x);
}
