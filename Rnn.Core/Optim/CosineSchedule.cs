namespace Rnn.Core.Optim;

/// <summary>
/// Cosine annealing (Loshchilov and Hutter 2017, without restarts) from baseRate down to
/// floorRate over totalSteps: lr = floor + (base - floor) (1 + cos(pi step / total)) / 2,
/// then floorRate from totalSteps on.
/// </summary>
public sealed class CosineSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseRate">Rate at step 0.</param>
    /// <param name="totalSteps">Steps until the floor is reached; &gt; 0.</param>
    /// <param name="floorRate">Final rate, between 0 and baseRate.</param>
    public CosineSchedule(float baseRate, long totalSteps, float floorRate = 0f)
    {
        Schedules.CheckRate(baseRate, nameof(baseRate));
        Schedules.CheckRate(floorRate, nameof(floorRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSteps);
        if (floorRate > baseRate)
        {
            throw new ArgumentOutOfRangeException(
                nameof(floorRate), $"floor {floorRate} is above the base rate {baseRate}");
        }

        BaseRate = baseRate;
        TotalSteps = totalSteps;
        FloorRate = floorRate;
    }

    /// <summary>Rate at step 0.</summary>
    public float BaseRate { get; }

    /// <summary>Length of the decay.</summary>
    public long TotalSteps { get; }

    /// <summary>Rate at and after <see cref="TotalSteps"/>.</summary>
    public float FloorRate { get; }

    /// <inheritdoc/>
    public float LearningRate(long step)
    {
        if (step >= TotalSteps)
        {
            return FloorRate;
        }

        double progress = Math.Max(0, step) / (double)TotalSteps;
        return (float)(FloorRate + (BaseRate - FloorRate) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
