using Rnn.Core.Nn;

namespace Rnn.Core.Optim;

/// <summary>
/// AdamW (Loshchilov and Hutter 2019): Adam whose weight decay shrinks the weights directly,
/// p *= 1 - lr * wd, instead of passing through the adaptive moments. Defaults follow
/// PyTorch's <c>torch.optim.AdamW</c> (weight decay 0.01).
/// </summary>
public sealed class AdamW : AdamBase
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">Named parameters (see <see cref="Optimizer.Named(Module)"/>).</param>
    /// <param name="learningRate">Step size.</param>
    /// <param name="beta1">First-moment decay in [0, 1).</param>
    /// <param name="beta2">Second-moment decay in [0, 1).</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <param name="weightDecay">Decoupled decay coefficient, &gt;= 0.</param>
    public AdamW(
        IEnumerable<(string Name, Parameter Parameter)> parameters, float learningRate = 1e-3f,
        float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f)
        : base(parameters, learningRate, beta1, beta2, epsilon, weightDecay, decoupled: true)
    {
    }

    /// <inheritdoc/>
    public override string Kind => "adamw";
}
