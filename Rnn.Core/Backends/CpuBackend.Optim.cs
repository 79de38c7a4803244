using System.Numerics;

namespace Rnn.Core;

// Fused optimizer updates: one pass over each parameter reads the gradient and state and writes
// the new weights, instead of five or six separate element-wise ops. Every element is
// independent, so blocks run in parallel and the result does not depend on the thread count.
public sealed partial class CpuBackend
{
    // Below this many elements a parameter is updated on the calling thread.
    private const int OptimBlock = 1 << 15;

    public void SgdStep(
        Tensor param, Tensor grad, Tensor? velocity,
        float learningRate, float momentum, float weightDecay, bool nesterov)
    {
        CheckLength(param.Length, grad.Length, nameof(SgdStep));
        if (velocity is not null)
        {
            CheckLength(param.Length, velocity.Length, nameof(SgdStep));
        }

        ForBlocks(param.Length, (start, count) =>
        {
            Span<float> p = S(param, start, count);
            ReadOnlySpan<float> g = S(grad, start, count);
            Span<float> vel = velocity is null ? Span<float>.Empty : S(velocity, start, count);
            for (int i = 0; i < p.Length; i++)
            {
                float d = g[i] + weightDecay * p[i];
                if (velocity is not null)
                {
                    vel[i] = momentum * vel[i] + d;
                    d = nesterov ? d + momentum * vel[i] : vel[i];
                }

                p[i] -= learningRate * d;
            }
        });
    }

    public void AdamStep(
        Tensor param, Tensor grad, Tensor m, Tensor v,
        float learningRate, float beta1, float beta2, float epsilon,
        float weightDecay, bool decoupledWeightDecay, long step)
    {
        CheckLength(param.Length, grad.Length, nameof(AdamStep));
        CheckLength(param.Length, m.Length, nameof(AdamStep));
        CheckLength(param.Length, v.Length, nameof(AdamStep));
        if (step < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(step), $"Adam's step count is 1-based; got {step}");
        }

        // Bias corrections in double: 1 - b2^t loses most of its digits in float for b2 near 1.
        var k = new AdamConstants(
            learningRate, beta1, beta2, epsilon,
            StepSize: (float)(learningRate / (1 - Math.Pow(beta1, step))),
            InvSqrtBc2: (float)(1 / Math.Sqrt(1 - Math.Pow(beta2, step))),
            L2: decoupledWeightDecay ? 0f : weightDecay,
            Shrink: decoupledWeightDecay ? 1f - learningRate * weightDecay : 1f);
        bool vector = Simd != CpuSimd.Scalar && Vector.IsHardwareAccelerated;
        ForBlocks(param.Length, (start, count) => AdamBlock(
            S(param, start, count), S(grad, start, count), S(m, start, count), S(v, start, count), k, vector));
    }

    private readonly record struct AdamConstants(
        float LearningRate, float Beta1, float Beta2, float Epsilon,
        float StepSize, float InvSqrtBc2, float L2, float Shrink);

    private static void AdamBlock(
        Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, AdamConstants k, bool vector)
    {
        int i = 0;
        if (vector)
        {
            int width = Vector<float>.Count;
            var b1 = new Vector<float>(k.Beta1);
            var c1 = new Vector<float>(1f - k.Beta1);
            var b2 = new Vector<float>(k.Beta2);
            var c2 = new Vector<float>(1f - k.Beta2);
            var eps = new Vector<float>(k.Epsilon);
            var stepSize = new Vector<float>(k.StepSize);
            var invSqrt = new Vector<float>(k.InvSqrtBc2);
            var l2 = new Vector<float>(k.L2);
            var shrink = new Vector<float>(k.Shrink);
            for (; i <= p.Length - width; i += width)
            {
                var pi = new Vector<float>(p.Slice(i));
                var gi = new Vector<float>(g.Slice(i)) + l2 * pi;
                var mi = b1 * new Vector<float>(m.Slice(i)) + c1 * gi;
                var vi = b2 * new Vector<float>(v.Slice(i)) + c2 * (gi * gi);
                pi = shrink * pi - stepSize * (mi / (Vector.SquareRoot(vi) * invSqrt + eps));
                mi.CopyTo(m.Slice(i));
                vi.CopyTo(v.Slice(i));
                pi.CopyTo(p.Slice(i));
            }
        }

        // Same operations in the same order as the vector loop, so both give equal bits.
        float c1s = 1f - k.Beta1;
        float c2s = 1f - k.Beta2;
        for (; i < p.Length; i++)
        {
            float gi = g[i] + k.L2 * p[i];
            m[i] = k.Beta1 * m[i] + c1s * gi;
            v[i] = k.Beta2 * v[i] + c2s * (gi * gi);
            p[i] = k.Shrink * p[i] - k.StepSize * (m[i] / (MathF.Sqrt(v[i]) * k.InvSqrtBc2 + k.Epsilon));
        }
    }

    private void ForBlocks(int length, Action<int, int> body)
    {
        if (length <= OptimBlock || Threads == 1)
        {
            body(0, length);
            return;
        }

        int blocks = (length + OptimBlock - 1) / OptimBlock;
        System.Threading.Tasks.Parallel.For(0, blocks, Parallel, b =>
        {
            int start = b * OptimBlock;
            body(start, Math.Min(OptimBlock, length - start));
        });
    }
}
