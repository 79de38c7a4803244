namespace Rnn.Core.Nn;

/// <summary>
/// Fully connected layer y = activation(x W^T + b) on the last axis: [..., in] -> [..., out].
/// Weight "weight" is [out, in] (the ONNX/PyTorch layout), bias "bias" is [out].
/// </summary>
public sealed class Dense : Module, ILayer
{
    public Dense(int inFeatures, int outFeatures, Rng rng, bool useBias = true,
        UnaryOp activation = UnaryOp.Identity, IBackend? backend = null)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(inFeatures), $"Dense needs positive sizes; got {inFeatures} -> {outFeatures}");
        }

        var be = backend ?? Backends.Default;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Activation = activation;
        Weight = AddParameter("weight", Init.GlorotUniform(be, rng, inFeatures, outFeatures, outFeatures, inFeatures));
        Bias = useBias ? AddParameter("bias", be.Zeros(new[] { outFeatures })) : null;
    }

    public int InFeatures { get; }

    public int OutFeatures { get; }

    public UnaryOp Activation { get; }

    /// <summary>[out, in].</summary>
    public Parameter Weight { get; }

    /// <summary>[out], or null without bias.</summary>
    public Parameter? Bias { get; }

    public Tensor Forward(Tensor x)
    {
        if (x.Dim(-1) != InFeatures)
        {
            throw new ArgumentException($"Dense expects last dimension {InFeatures}; got {x.Describe()}");
        }

        var y = Ops.Linear(x, Weight.Value, Bias?.Value);   // [..., out]
        return Activation == UnaryOp.Identity ? y : Ops.Apply(Activation, y);
    }
}
