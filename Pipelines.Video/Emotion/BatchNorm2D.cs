using Rnn.Core;
using Rnn.Core.Autograd;
using Rnn.Core.Nn;

namespace Pipelines.Video.Emotion;

/// <summary>
/// Batch normalisation over the channels of NCHW maps (Ioffe and Szegedy, 2015): in training
/// each channel is normalised by the batch's mean and biased variance over (batch, height,
/// width) and the running statistics move by <see cref="Momentum"/> (PyTorch's convention,
/// which keeps the unbiased variance); in eval mode the running statistics are used. Weight
/// "weight" (gamma) and "bias" (beta) are [channels]; "running_mean" and "running_var" are
/// frozen parameters so model files and checkpoints carry them.
/// </summary>
/// <remarks>Limit: computes on host memory (<see cref="Tensor.Span"/>), i.e. the CPU backend.</remarks>
public sealed class BatchNorm2D : Module, ILayer
{
    /// <summary>Creates the layer: gamma 1, beta 0, running mean 0, running variance 1.</summary>
    /// <param name="channels">Channels of the input maps.</param>
    /// <param name="momentum">Weight of the new batch in the running statistics.</param>
    /// <param name="epsilon">Added to the variance before the square root.</param>
    /// <param name="backend">Where the parameters live; the default backend when null.</param>
    /// <param name="relu">Apply ReLU to the output in the same pass (saves a tape entry and a sweep).</param>
    public BatchNorm2D(int channels, float momentum = 0.1f, float epsilon = 1e-5f, IBackend? backend = null,
        bool relu = false)
    {
        Relu = relu;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        var be = backend ?? Backends.Default;
        Channels = channels;
        Momentum = momentum;
        Epsilon = epsilon;
        Weight = AddParameter("weight", be.FromArray(Filled(channels, 1f), new[] { channels }));
        Bias = AddParameter("bias", be.Zeros(new[] { channels }));
        RunningMean = Frozen(AddParameter("running_mean", be.Zeros(new[] { channels })));
        RunningVar = Frozen(AddParameter("running_var", be.FromArray(Filled(channels, 1f), new[] { channels })));
    }

    public int Channels { get; }

    public float Momentum { get; }

    public float Epsilon { get; }

    /// <summary>Whether ReLU follows the normalisation.</summary>
    public bool Relu { get; }

    /// <summary>gamma, [channels].</summary>
    public Parameter Weight { get; }

    /// <summary>beta, [channels].</summary>
    public Parameter Bias { get; }

    /// <summary>Running mean, [channels]; not trained by the optimizer.</summary>
    public Parameter RunningMean { get; }

    /// <summary>Running (unbiased) variance, [channels]; not trained by the optimizer.</summary>
    public Parameter RunningVar { get; }

    /// <summary>x [batch, channels, height, width] -> the same shape.</summary>
    public Tensor Forward(Tensor x)
    {
        if (x.Rank != 4 || x.Dim(1) != Channels)
        {
            throw new ArgumentException($"BatchNorm2D({Channels}) needs [batch, {Channels}, height, width]; " +
                $"got {x.Describe()}");
        }

        int batch = x.Dim(0), plane = x.Dim(2) * x.Dim(3);
        var mean = new float[Channels];
        var invStd = new float[Channels];
        if (Training)
        {
            BatchStatistics(x.Span, batch, plane, mean, invStd);
        }
        else
        {
            var rm = RunningMean.Value.Span;
            var rv = RunningVar.Value.Span;
            for (int c = 0; c < Channels; c++)
            {
                mean[c] = rm[c];
                invStd[c] = 1f / MathF.Sqrt(rv[c] + Epsilon);
            }
        }

        var y = x.Backend.Allocate(x.Shape);   // [batch, channels, height, width]
        Normalize(x.Span, y.Span, batch, plane, mean, invStd);
        if (Tape.IsTracking([x, Weight.Value, Bias.Value]))
        {
            bool batchStats = Training;
            Tape.Record(y, () => Backward(x, y, batch, plane, mean, invStd, batchStats));
        }

        return y;
    }

    private void BatchStatistics(ReadOnlySpan<float> x, int batch, int plane, float[] mean, float[] invStd)
    {
        double count = (double)batch * plane;
        var rm = RunningMean.Value.Span;
        var rv = RunningVar.Value.Span;
        for (int c = 0; c < Channels; c++)
        {
            double sum = 0, sumSq = 0;
            for (int n = 0; n < batch; n++)
            {
                var p = x.Slice((n * Channels + c) * plane, plane);
                for (int i = 0; i < p.Length; i++)
                {
                    sum += p[i];
                    sumSq += (double)p[i] * p[i];
                }
            }

            double m = sum / count;
            double variance = Math.Max(0, sumSq / count - m * m);
            mean[c] = (float)m;
            invStd[c] = (float)(1 / Math.Sqrt(variance + Epsilon));
            double unbiased = count > 1 ? variance * count / (count - 1) : variance;
            rm[c] = (float)((1 - Momentum) * rm[c] + Momentum * m);
            rv[c] = (float)((1 - Momentum) * rv[c] + Momentum * unbiased);
        }
    }

    private void Normalize(ReadOnlySpan<float> x, Span<float> y, int batch, int plane, float[] mean, float[] invStd)
    {
        var gamma = Weight.Value.Span;
        var beta = Bias.Value.Span;
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < Channels; c++)
            {
                // y = x * scale + shift, folded per channel.
                float scale = gamma[c] * invStd[c];
                float shift = beta[c] - mean[c] * scale;
                int o = (n * Channels + c) * plane;
                var src = x.Slice(o, plane);
                var dst = y.Slice(o, plane);
                for (int i = 0; i < plane; i++)
                {
                    dst[i] = src[i] * scale + shift;
                }

                if (Relu)
                {
                    System.Numerics.Tensors.TensorPrimitives.Max(dst, 0f, dst);
                }
            }
        }
    }

    // With batch statistics: dx = gamma * invStd / m * (m * dy - sum(dy) - xhat * sum(dy * xhat));
    // with running statistics the mean and variance are constants, so dx = gamma * invStd * dy.
    private void Backward(Tensor x, Tensor y, int batch, int plane, float[] mean, float[] invStd, bool batchStats)
    {
        if (y.Grad is not { } dyTensor)
        {
            return;
        }

        var dy = MaskedUpstream(dyTensor.Span, y.Span);
        var xs = x.Span;
        var gamma = Weight.Value.Span;
        var sumDy = new double[Channels];
        var sumDyXhat = new double[Channels];
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < Channels; c++)
            {
                int o = (n * Channels + c) * plane;
                double s = 0, sx = 0;
                for (int i = 0; i < plane; i++)
                {
                    s += dy[o + i];
                    sx += dy[o + i] * (xs[o + i] - mean[c]) * invStd[c];
                }

                sumDy[c] += s;
                sumDyXhat[c] += sx;
            }
        }

        if (Weight.Value.RequiresGrad)
        {
            AddTo(Weight.Value.EnsureGrad().Span, sumDyXhat);
        }

        if (Bias.Value.RequiresGrad)
        {
            AddTo(Bias.Value.EnsureGrad().Span, sumDy);
        }

        if (!x.RequiresGrad)
        {
            return;
        }

        var dx = x.EnsureGrad().Span;
        float m = (float)batch * plane;
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < Channels; c++)
            {
                int o = (n * Channels + c) * plane;
                float k = gamma[c] * invStd[c];
                float meanDy = batchStats ? (float)(sumDy[c] / m) : 0f;
                float meanDyXhat = batchStats ? (float)(sumDyXhat[c] / m) : 0f;
                for (int i = 0; i < plane; i++)
                {
                    float xhat = (xs[o + i] - mean[c]) * invStd[c];
                    dx[o + i] += k * (dy[o + i] - meanDy - xhat * meanDyXhat);
                }
            }
        }
    }

    // Through the fused ReLU the gradient passes only where the output is positive.
    private ReadOnlySpan<float> MaskedUpstream(ReadOnlySpan<float> dy, ReadOnlySpan<float> y)
    {
        if (!Relu)
        {
            return dy;
        }

        var masked = new float[dy.Length];
        for (int i = 0; i < masked.Length; i++)
        {
            masked[i] = y[i] > 0f ? dy[i] : 0f;
        }

        return masked;
    }

    private static void AddTo(Span<float> target, double[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            target[i] += (float)values[i];
        }
    }

    private static Parameter Frozen(Parameter p)
    {
        p.Trainable = false;
        p.Value.RequiresGrad = false;
        return p;
    }

    private static float[] Filled(int count, float value)
    {
        var a = new float[count];
        Array.Fill(a, value);
        return a;
    }
}
