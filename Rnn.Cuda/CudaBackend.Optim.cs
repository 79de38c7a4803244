using Rnn.Core;
using Rnn.Cuda.Kernels;

namespace Rnn.Cuda;

// Fused optimizer updates: one kernel per parameter and step.
public sealed partial class CudaBackend
{
    public void SgdStep(
        Tensor param, Tensor grad, Tensor? velocity,
        float learningRate, float momentum, float weightDecay, bool nesterov)
    {
        CheckLength(param.Length, grad.Length, nameof(SgdStep));
        if (velocity is not null)
        {
            CheckLength(param.Length, velocity.Length, nameof(SgdStep));
        }

        var k = new SgdArgs
        {
            LearningRate = learningRate, Momentum = momentum, WeightDecay = weightDecay,
            HasVelocity = velocity is null ? 0 : 1, Nesterov = nesterov ? 1 : 0,
        };
        if (param.Length > 0)
        {
            kernels.Sgd(Stream, param.Length, V(param), V(grad), V(velocity ?? grad), k);
        }
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

        // Bias corrections in double on the host: 1 - b2^t loses most of its digits in float.
        var k = new AdamArgs
        {
            Beta1 = beta1, Beta2 = beta2, Epsilon = epsilon,
            StepSize = (float)(learningRate / (1 - Math.Pow(beta1, step))),
            InvSqrtBc2 = (float)(1 / Math.Sqrt(1 - Math.Pow(beta2, step))),
            L2 = decoupledWeightDecay ? 0f : weightDecay,
            Shrink = decoupledWeightDecay ? 1f - learningRate * weightDecay : 1f,
        };
        if (param.Length > 0)
        {
            kernels.Adam(Stream, param.Length, V(param), V(grad), V(m), V(v), k);
        }
    }
}
