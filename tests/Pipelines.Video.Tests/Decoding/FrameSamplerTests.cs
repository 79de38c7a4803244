using Pipelines.Video.Decoding;

namespace Pipelines.Video.Tests.Decoding;

[TestFixture]
public sealed class FrameSamplerTests
{
    [Test]
    public void Stride_CountsFromTheStartTime()
    {
        var sampler = new FrameSampler(new VideoReadOptions { Stride = 2, StartSeconds = 0.25 });
        var taken = Enumerable.Range(0, 10).Where(i => sampler.Take(i * 0.1)).ToArray();

        Assert.That(taken, Is.EqualTo(new[] { 3, 5, 7, 9 }));
    }

    [Test]
    public void Fps_SkipsGapsWithoutBursts()
    {
        var sampler = new FrameSampler(new VideoReadOptions { Fps = 10 });
        double[] times = { 0, 0.04, 0.1, 0.5, 0.52, 0.6 };   // a 0.4 s gap after 0.1 s
        var taken = times.Where(sampler.Take).ToArray();

        Assert.That(taken, Is.EqualTo(new[] { 0, 0.1, 0.5, 0.6 }));
    }

    [Test]
    public void MaxFrames_StopsDelivery()
    {
        var sampler = new FrameSampler(new VideoReadOptions { MaxFrames = 2 });

        Assert.That(Enumerable.Range(0, 5).Count(i => sampler.Take(i)), Is.EqualTo(2));
        Assert.That(sampler.Done, Is.True);
    }
}
