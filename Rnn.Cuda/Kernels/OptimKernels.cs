using ILGPU;

namespace Rnn.Cuda.Kernels;

/// <summary>Fused optimizer updates, one thread per parameter element (formulas of IBackend.Optim.cs).</summary>
internal static class OptimKernels
{
    public static void Sgd(
        Index1D i, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> velocity, SgdArgs k)
    {
        float d = grad[i] + k.WeightDecay * param[i];
        if (k.HasVelocity != 0)
        {
            float v = k.Momentum * velocity[i] + d;
            velocity[i] = v;
            d = k.Nesterov != 0 ? d + k.Momentum * v : v;
        }

        param[i] -= k.LearningRate * d;
    }

    public static void Adam(
        Index1D i, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v, AdamArgs k)
    {
        float p = param[i];
        float g = grad[i] + k.L2 * p;
        float mi = k.Beta1 * m[i] + (1f - k.Beta1) * g;
        float vi = k.Beta2 * v[i] + (1f - k.Beta2) * (g * g);
        m[i] = mi;
        v[i] = vi;
        param[i] = k.Shrink * p - k.StepSize * (mi / (MathF.Sqrt(vi) * k.InvSqrtBc2 + k.Epsilon));
    }
}

internal struct SgdArgs
{
    public float LearningRate, Momentum, WeightDecay;
    public int HasVelocity, Nesterov;
}

internal struct AdamArgs
{
    public float Beta1, Beta2, Epsilon, StepSize, InvSqrtBc2, L2, Shrink;
}
