using Rnn.Core.Optim;

namespace Rnn.Core.Tests.Optim;

public sealed class ScheduleTests
{
    [Test]
    public void ConstantAndStepDecay()
    {
        Assert.That(new ConstantSchedule(0.3f).LearningRate(12345), Is.EqualTo(0.3f));
        var s = new StepDecaySchedule(1f, stepSize: 10, gamma: 0.5f);
        Assert.That(s.LearningRate(0), Is.EqualTo(1f));
        Assert.That(s.LearningRate(9), Is.EqualTo(1f));
        Assert.That(s.LearningRate(10), Is.EqualTo(0.5f));
        Assert.That(s.LearningRate(35), Is.EqualTo(0.125f));
    }

    [Test]
    public void CosineReachesFloorThroughTheMidpoint()
    {
        var s = new CosineSchedule(1f, totalSteps: 100, floorRate: 0.1f);
        Assert.That(s.LearningRate(0), Is.EqualTo(1f));
        Assert.That(s.LearningRate(50), Is.EqualTo(0.55f).Within(1e-6f));
        Assert.That(s.LearningRate(100), Is.EqualTo(0.1f));
        Assert.That(s.LearningRate(1000), Is.EqualTo(0.1f));
        for (int i = 1; i <= 100; i++)
        {
            Assert.That(s.LearningRate(i), Is.LessThanOrEqualTo(s.LearningRate(i - 1)));
        }
    }

    [Test]
    public void WarmupRampsThenHandsOverToTheInnerSchedule()
    {
        var s = new WarmupSchedule(new StepDecaySchedule(1f, 5, 0.5f), warmupSteps: 4);
        Assert.That(s.LearningRate(0), Is.EqualTo(0f));
        Assert.That(s.LearningRate(2), Is.EqualTo(0.5f));
        Assert.That(s.LearningRate(4), Is.EqualTo(1f));
        Assert.That(s.LearningRate(9), Is.EqualTo(0.5f));
        var withStart = new WarmupSchedule(new ConstantSchedule(2f), warmupSteps: 10, startFactor: 0.1f);
        Assert.That(withStart.LearningRate(0), Is.EqualTo(0.2f).Within(1e-6f));
        Assert.That(withStart.LearningRate(5), Is.EqualTo(1.1f).Within(1e-6f));
    }

    [Test]
    public void RejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CosineSchedule(0.1f, 10, 0.2f));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new StepDecaySchedule(0.1f, 0, 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ConstantSchedule(float.NaN));
    }
}
