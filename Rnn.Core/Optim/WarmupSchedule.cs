namespace Rnn.Core.Optim;

/// <summary>
/// Linear warm-up in front of any schedule (Goyal et al. 2017): for the first warmupSteps steps
/// the rate rises linearly from startFactor * inner(0) to inner(0); afterwards the inner
/// schedule runs from its own step 0, i.e. lr(step) = inner(step - warmupSteps).
/// </summary>
/// <example>
/// <code>
/// var schedule = new WarmupSchedule(new CosineSchedule(1e-3f, totalSteps: 9000, 1e-5f), warmupSteps: 1000);
/// </code>
/// </example>
public sealed class WarmupSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="inner">The schedule that follows the warm-up.</param>
    /// <param name="warmupSteps">Length of the warm-up; &gt;= 0.</param>
    /// <param name="startFactor">Fraction of inner(0) at step 0, in [0, 1].</param>
    public WarmupSchedule(ILearningRateSchedule inner, long warmupSteps, float startFactor = 0f)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        if (!(startFactor >= 0f && startFactor <= 1f))
        {
            throw new ArgumentOutOfRangeException(
                nameof(startFactor), $"start factor must be in [0, 1]; got {startFactor}");
        }

        Inner = inner;
        WarmupSteps = warmupSteps;
        StartFactor = startFactor;
    }

    /// <summary>The wrapped schedule.</summary>
    public ILearningRateSchedule Inner { get; }

    /// <summary>Number of warm-up steps.</summary>
    public long WarmupSteps { get; }

    /// <summary>Starting fraction of the target rate.</summary>
    public float StartFactor { get; }

    /// <inheritdoc/>
    public float LearningRate(long step)
    {
        if (step >= WarmupSteps)
        {
            return Inner.LearningRate(step - WarmupSteps);
        }

        double t = Math.Max(0, step) / (double)WarmupSteps;
        return (float)(Inner.LearningRate(0) * (StartFactor + (1 - StartFactor) * t));
    }
}
