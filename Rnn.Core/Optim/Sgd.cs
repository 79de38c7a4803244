using Rnn.Core.Nn;

namespace Rnn.Core.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum (heavy ball or Nesterov) and L2 weight
/// decay, in PyTorch's formulation without dampening: v = momentum v + (g + wd p),
/// p -= lr (g + wd p + momentum v) for Nesterov, p -= lr v otherwise.
/// </summary>
/// <example>
/// <code>
/// var opt = new Sgd(Optimizer.Named(model), learningRate: 0.1f, momentum: 0.9f, nesterov: true);
/// </code>
/// </example>
public sealed class Sgd : Optimizer
{
    private static readonly string[] SlotNames = { "momentum_buffer" };

    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">Named parameters (see <see cref="Optimizer.Named(Module)"/>).</param>
    /// <param name="learningRate">Step size.</param>
    /// <param name="momentum">Momentum factor in [0, 1); 0 is plain SGD and keeps no buffer.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient; &gt;= 0.</param>
    /// <param name="nesterov">Nesterov momentum; needs momentum &gt; 0.</param>
    public Sgd(
        IEnumerable<(string Name, Parameter Parameter)> parameters, float learningRate,
        float momentum = 0f, float weightDecay = 0f, bool nesterov = false)
        : base(parameters, learningRate)
    {
        if (momentum < 0f || momentum >= 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), $"momentum must be in [0, 1); got {momentum}");
        }

        if (weightDecay < 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(weightDecay), $"weight decay must be >= 0; got {weightDecay}");
        }

        if (nesterov && momentum == 0f)
        {
            throw new ArgumentException("Nesterov momentum needs momentum > 0; got momentum 0", nameof(nesterov));
        }

        Momentum = momentum;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
    }

    /// <inheritdoc/>
    public override string Kind => "sgd";

    /// <summary>Momentum factor.</summary>
    public float Momentum { get; }

    /// <summary>L2 weight decay coefficient.</summary>
    public float WeightDecay { get; }

    /// <summary>True for Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> Slots => SlotNames;

    /// <inheritdoc/>
    protected override void Update(string name, Parameter parameter, Tensor grad)
    {
        Tensor? velocity = Momentum > 0f ? Buffer(name, parameter, SlotNames[0]) : null;
        parameter.Value.Backend.SgdStep(
            parameter.Value, grad, velocity, LearningRate, Momentum, WeightDecay, Nesterov);
    }
}
