namespace Rnn.Core.Nn;

/// <summary>
/// A trainable tensor of a <see cref="Module"/>, known by a stable name such as
/// "encoder.lstm.weight_ih" that checkpoints and model files use.
/// </summary>
public sealed class Parameter
{
    public Parameter(string name, Tensor value)
    {
        Name = name;
        Value = value;
        value.RequiresGrad = true;
        value.Name = name;
    }

    /// <summary>Name within its module (the full path comes from <see cref="Module.NamedParameters"/>).</summary>
    public string Name { get; }

    /// <summary>The weights. Replace the contents with <see cref="Load"/>, not the tensor.</summary>
    public Tensor Value { get; }

    /// <summary>
    /// Gradient from the last backward pass, or null; null too once its owner disposed it, as for
    /// <see cref="Tensor.EnsureGrad"/>, so an optimizer step or a clip skips it rather than throwing.
    /// </summary>
    public Tensor? Grad => Value.Grad is { IsDisposed: false } grad ? grad : null;

    /// <summary>When false the optimizer leaves this parameter alone (frozen).</summary>
    public bool Trainable { get; set; } = true;

    /// <summary>Shape of the weights.</summary>
    public ReadOnlySpan<int> Shape => Value.Shape;

    /// <summary>Copies host values in, checking the length.</summary>
    public void Load(ReadOnlySpan<float> values)
    {
        if (values.Length != Value.Length)
        {
            throw new ArgumentException(
                $"parameter '{Name}' has {Value.Length} elements {Rnn.Core.Shape.Format(Value.Shape)}; got {values.Length}");
        }

        Value.Backend.CopyFromHost(values, Value);
    }
}
