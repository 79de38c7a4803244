using Rnn.Core.Nn;

namespace Rnn.Core.Optim;

/// <summary>
/// Adam (Kingma and Ba 2015) with optional L2 weight decay added to the gradient, matching
/// PyTorch's <c>torch.optim.Adam</c> defaults (lr 1e-3, betas 0.9/0.999, eps 1e-8).
/// </summary>
/// <example>
/// <code>
/// var opt = new Adam(Optimizer.Named(model), learningRate: 1e-3f);
/// opt.ZeroGrad();
/// using (var tape = Tape.Begin()) { tape.Backward(loss(model)); }
/// opt.Step();
/// </code>
/// </example>
public sealed class Adam : AdamBase
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">Named parameters (see <see cref="Optimizer.Named(Module)"/>).</param>
    /// <param name="learningRate">Step size.</param>
    /// <param name="beta1">First-moment decay in [0, 1).</param>
    /// <param name="beta2">Second-moment decay in [0, 1).</param>
    /// <param name="epsilon">Denominator term, &gt; 0.</param>
    /// <param name="weightDecay">L2 coefficient added to the gradient, &gt;= 0.</param>
    public Adam(
        IEnumerable<(string Name, Parameter Parameter)> parameters, float learningRate = 1e-3f,
        float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
        : base(parameters, learningRate, beta1, beta2, epsilon, weightDecay, decoupled: false)
    {
    }

    /// <inheritdoc/>
    public override string Kind => "adam";
}
