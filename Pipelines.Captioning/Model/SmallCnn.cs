using Rnn.Core;
using Rnn.Core.Autograd;
using Rnn.Core.Nn;

namespace Pipelines.Captioning.Model;

/// <summary>
/// The project's own image encoder for machines without the ResNet-18 package: 3x3 stride-2
/// convolutions with ReLU (each halves height and width), then a global average pool.
/// [batch, 3, size, size] -> [batch, channels[^1]]. Trains end to end with the decoder.
/// </summary>
public sealed class SmallCnn : Module
{
    private readonly Conv2D[] layers;

    /// <summary>Creates the layers.</summary>
    /// <param name="channels">Output channels per layer.</param>
    /// <param name="rng">Weight initialisation.</param>
    public SmallCnn(IReadOnlyList<int> channels, Rng rng)
    {
        layers = new Conv2D[channels.Count];
        int input = 3;
        for (int i = 0; i < channels.Count; i++)
        {
            layers[i] = AddModule($"conv{i}", new Conv2D(input, channels[i], kernel: 3, rng, stride: 2, padding: 1,
                activation: UnaryOp.Relu));
            input = channels[i];
        }

        OutputSize = input;
    }

    /// <summary>Features per image.</summary>
    public int OutputSize { get; }

    /// <summary>[batch, 3, size, size] -> [batch, OutputSize].</summary>
    public Tensor Forward(Tensor images)
    {
        var x = images;
        foreach (var layer in layers)
        {
            x = layer.Forward(x);   // [batch, channels, height / 2, width / 2]
        }

        return Ops.GlobalAvgPool2D(x);   // [batch, channels]
    }
}
