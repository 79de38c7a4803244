namespace Rnn.Core.Optim;

/// <summary>The same learning rate at every step.</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    public ConstantSchedule(float learningRate)
    {
        Schedules.CheckRate(learningRate, nameof(learningRate));
        Rate = learningRate;
    }

    /// <summary>The learning rate.</summary>
    public float Rate { get; }

    /// <inheritdoc/>
    public float LearningRate(long step) => Rate;
}
