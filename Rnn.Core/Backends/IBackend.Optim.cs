namespace Rnn.Core;

public partial interface IBackend
{
    /// <summary>
    /// One fused SGD update of a parameter, element-wise (PyTorch's formulation, no dampening):
    /// g' = g + weightDecay * p; with a velocity buffer v: v = momentum * v + g', and the step
    /// direction d = g' + momentum * v (Nesterov) or d = v; without one d = g'; then
    /// p -= learningRate * d. The gradient is read only.
    /// </summary>
    /// <param name="param">Weights, updated in place.</param>
    /// <param name="grad">Gradient of the loss, same length.</param>
    /// <param name="velocity">Momentum buffer (zeros before the first step), or null for plain SGD.</param>
    /// <param name="learningRate">Step size.</param>
    /// <param name="momentum">Momentum factor; ignored without a velocity buffer.</param>
    /// <param name="weightDecay">L2 penalty coefficient added to the gradient.</param>
    /// <param name="nesterov">Nesterov momentum (Sutskever et al. 2013).</param>
    void SgdStep(
        Tensor param, Tensor grad, Tensor? velocity,
        float learningRate, float momentum, float weightDecay, bool nesterov);

    /// <summary>
    /// One fused Adam update (Kingma and Ba 2015), element-wise: m = b1 m + (1 - b1) g,
    /// v = b2 v + (1 - b2) g^2, p -= lr / (1 - b1^t) * m / (sqrt(v / (1 - b2^t)) + eps).
    /// Weight decay is either L2 folded into the gradient (g += wd p, classic Adam) or decoupled
    /// (p *= 1 - lr wd before the step: AdamW, Loshchilov and Hutter 2019).
    /// </summary>
    /// <param name="param">Weights, updated in place.</param>
    /// <param name="grad">Gradient of the loss, same length; read only.</param>
    /// <param name="m">First-moment estimate, updated in place (zeros before step 1).</param>
    /// <param name="v">Second-moment estimate, updated in place (zeros before step 1).</param>
    /// <param name="learningRate">Step size lr.</param>
    /// <param name="beta1">Decay of the first moment, b1.</param>
    /// <param name="beta2">Decay of the second moment, b2.</param>
    /// <param name="epsilon">Added to the denominator, eps.</param>
    /// <param name="weightDecay">Decay coefficient wd.</param>
    /// <param name="decoupledWeightDecay">True for AdamW's decoupled decay, false for L2.</param>
    /// <param name="step">1-based step number t used for bias correction.</param>
    void AdamStep(
        Tensor param, Tensor grad, Tensor m, Tensor v,
        float learningRate, float beta1, float beta2, float epsilon,
        float weightDecay, bool decoupledWeightDecay, long step);
}
