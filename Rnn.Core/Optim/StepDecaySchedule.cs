namespace Rnn.Core.Optim;

/// <summary>Step decay: lr = baseRate * gamma^floor(step / stepSize) (PyTorch's StepLR, counted in steps).</summary>
public sealed class StepDecaySchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseRate">Rate for the first stepSize steps.</param>
    /// <param name="stepSize">Steps between decays; &gt; 0.</param>
    /// <param name="gamma">Multiplier applied at each decay, in (0, 1].</param>
    public StepDecaySchedule(float baseRate, long stepSize, float gamma)
    {
        Schedules.CheckRate(baseRate, nameof(baseRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        if (!(gamma > 0f && gamma <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), $"gamma must be in (0, 1]; got {gamma}");
        }

        BaseRate = baseRate;
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Initial rate.</summary>
    public float BaseRate { get; }

    /// <summary>Steps between decays.</summary>
    public long StepSize { get; }

    /// <summary>Decay multiplier.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    public float LearningRate(long step) => (float)(BaseRate * Math.Pow(Gamma, Math.Max(0, step) / StepSize));
}
