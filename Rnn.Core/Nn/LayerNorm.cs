namespace Rnn.Core.Nn;

/// <summary>
/// Layer normalisation over the last axis (Ba et al., 2016): (x - mean) / sqrt(var + eps) * gamma
/// + beta. Parameters "weight" (gamma, ones) and "bias" (beta, zeros), each [features].
/// </summary>
public sealed class LayerNorm : Module, ILayer
{
    public LayerNorm(int features, float epsilon = 1e-5f, IBackend? backend = null)
    {
        var be = backend ?? Backends.Default;
        Features = features;
        Epsilon = epsilon;
        var ones = be.Allocate(new[] { features });
        be.Fill(ones, 1f);
        Weight = AddParameter("weight", ones);
        Bias = AddParameter("bias", be.Zeros(new[] { features }));
    }

    public int Features { get; }

    public float Epsilon { get; }

    public Parameter Weight { get; }

    public Parameter Bias { get; }

    public Tensor Forward(Tensor x)
    {
        if (x.Dim(-1) != Features)
        {
            throw new ArgumentException($"LayerNorm expects last dimension {Features}; got {x.Describe()}");
        }

        // Composed from differentiable ops, so autograd supplies the backward pass.
        var mean = Ops.Mean(x, -1, keepDim: true);                      // [..., 1]
        var centred = x - mean;                                          // [..., features]
        var variance = Ops.Mean(Ops.Square(centred), -1, keepDim: true); // [..., 1]
        var inv = Ops.Apply(UnaryOp.Reciprocal, Ops.Sqrt(variance + Epsilon));
        return centred * inv * Weight.Value + Bias.Value;
    }
}
