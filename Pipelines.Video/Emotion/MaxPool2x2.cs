using Rnn.Core;
using Rnn.Core.Autograd;

namespace Pipelines.Video.Emotion;

/// <summary>
/// 2x2 max pooling with stride 2 on NCHW maps of even height and width, as one tape entry
/// that remembers which of the four inputs won (one byte per output) so the backward pass is
/// a scatter, not a second search. Same results as <c>Ops.MaxPool2D(x, 2)</c> (first maximum
/// wins on ties), several times faster on the small maps of <see cref="EmotionNet"/>.
/// </summary>
/// <remarks>Limit: host memory (<see cref="Tensor.Span"/>), i.e. the CPU backend.</remarks>
public static class MaxPool2x2
{
    /// <summary>x [batch, channels, height, width] -> [batch, channels, height/2, width/2].</summary>
    public static Tensor Forward(Tensor x)
    {
        if (x.Rank != 4 || x.Dim(2) % 2 != 0 || x.Dim(3) % 2 != 0)
        {
            throw new ArgumentException(
                $"MaxPool2x2 needs [batch, channels, even height, even width]; got {x.Describe()}");
        }

        int planes = x.Dim(0) * x.Dim(1), h = x.Dim(2), w = x.Dim(3), oh = h / 2, ow = w / 2;
        var y = x.Backend.Allocate(new[] { x.Dim(0), x.Dim(1), oh, ow });   // [batch, channels, h/2, w/2]
        var winners = new byte[y.Length];
        var xs = x.Span;
        var ys = y.Span;
        for (int p = 0; p < planes; p++)
        {
            int inBase = p * h * w, outBase = p * oh * ow;
            for (int i = 0; i < oh; i++)
            {
                int r0 = inBase + 2 * i * w, r1 = r0 + w, o = outBase + i * ow;
                for (int j = 0; j < ow; j++)
                {
                    float a = xs[r0 + 2 * j], b = xs[r0 + 2 * j + 1], c = xs[r1 + 2 * j], d = xs[r1 + 2 * j + 1];
                    byte k = 0;
                    float m = a;
                    if (b > m) { m = b; k = 1; }
                    if (c > m) { m = c; k = 2; }
                    if (d > m) { m = d; k = 3; }
                    ys[o + j] = m;
                    winners[o + j] = k;
                }
            }
        }

        if (Tape.IsTracking(x))
        {
            Tape.Record(y, () => Backward(x, y, winners));
        }

        return y;
    }

    private static void Backward(Tensor x, Tensor y, byte[] winners)
    {
        if (y.Grad is not { } dyTensor)
        {
            return;
        }

        int planes = x.Dim(0) * x.Dim(1), h = x.Dim(2), w = x.Dim(3), oh = h / 2, ow = w / 2;
        var dy = dyTensor.Span;
        var dx = x.EnsureGrad().Span;
        for (int p = 0; p < planes; p++)
        {
            int inBase = p * h * w, outBase = p * oh * ow;
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    int o = outBase + i * ow + j;
                    int k = winners[o];
                    dx[inBase + (2 * i + (k >> 1)) * w + 2 * j + (k & 1)] += dy[o];
                }
            }
        }
    }
}
