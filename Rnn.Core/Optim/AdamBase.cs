using Rnn.Core.Nn;

namespace Rnn.Core.Optim;

/// <summary>
/// The Adam family (Kingma and Ba 2015): first and second moment estimates with bias
/// correction. <see cref="Adam"/> folds weight decay into the gradient (L2);
/// <see cref="AdamW"/> decouples it from the adaptive step (Loshchilov and Hutter 2019).
/// </summary>
/// <remarks>
/// Bias correction uses the optimizer's global <see cref="Optimizer.StepCount"/> (as Keras
/// does), not a per-parameter count: a parameter that had no gradient on some steps is
/// corrected as if it had taken every step.
/// </remarks>
public abstract class AdamBase : Optimizer
{
    private static readonly string[] SlotNames = { "exp_avg", "exp_avg_sq" };
    private readonly bool decoupled;

    private protected AdamBase(
        IEnumerable<(string Name, Parameter Parameter)> parameters, float learningRate,
        float beta1, float beta2, float epsilon, float weightDecay, bool decoupled)
        : base(parameters, learningRate)
    {
        CheckUnit(beta1, nameof(beta1));
        CheckUnit(beta2, nameof(beta2));
        if (!(epsilon > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"epsilon must be > 0; got {epsilon}");
        }

        if (!(weightDecay >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(weightDecay), $"weight decay must be >= 0; got {weightDecay}");
        }

        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    /// <summary>Decay rate of the first moment estimate.</summary>
    public float Beta1 { get; }

    /// <summary>Decay rate of the second moment estimate.</summary>
    public float Beta2 { get; }

    /// <summary>Denominator term for numerical stability.</summary>
    public float Epsilon { get; }

    /// <summary>Weight decay coefficient (L2 for Adam, decoupled for AdamW).</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> Slots => SlotNames;

    /// <inheritdoc/>
    protected override void Update(string name, Parameter parameter, Tensor grad)
    {
        var m = Buffer(name, parameter, SlotNames[0]);
        var v = Buffer(name, parameter, SlotNames[1]);
        parameter.Value.Backend.AdamStep(
            parameter.Value, grad, m, v, LearningRate, Beta1, Beta2, Epsilon, WeightDecay, decoupled, StepCount);
    }

    private static void CheckUnit(float beta, string name)
    {
        if (!(beta >= 0f && beta < 1f))
        {
            throw new ArgumentOutOfRangeException(name, $"{name} must be in [0, 1); got {beta}");
        }
    }
}
