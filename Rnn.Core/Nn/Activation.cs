namespace Rnn.Core.Nn;

/// <summary>An element-wise activation as a layer (for stacking in <see cref="Sequential"/>).</summary>
public sealed class Activation : Module, ILayer
{
    public Activation(UnaryOp op) => Op = op;

    public UnaryOp Op { get; }

    public Tensor Forward(Tensor x) => Ops.Apply(Op, x);
}

/// <summary>Runs single-input layers one after another.</summary>
public sealed class Sequential : Module, ILayer
{
    private readonly List<ILayer> layers = new();

    public Sequential(params Module[] modules)
    {
        for (int i = 0; i < modules.Length; i++)
        {
            Add(modules[i]);
        }
    }

    /// <summary>Appends a layer; its parameters are named by its position ("0.weight").</summary>
    public Sequential Add(Module module)
    {
        if (module is not ILayer layer)
        {
            throw new ArgumentException($"{module.GetType().Name} is not a single-input layer (ILayer)");
        }

        AddModule(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        layers.Add(layer);
        return this;
    }

    public Tensor Forward(Tensor x)
    {
        foreach (var layer in layers)
        {
            x = layer.Forward(x);
        }

        return x;
    }
}
