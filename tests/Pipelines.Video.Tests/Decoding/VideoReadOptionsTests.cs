using Pipelines.Video.Decoding;

namespace Pipelines.Video.Tests.Decoding;

[TestFixture]
public sealed class VideoReadOptionsTests
{
    [Test]
    public void BadValues_NameThemselves()
    {
        Assert.That(Message(new VideoReadOptions { Width = 64 }), Does.Contain("64x"));
        Assert.That(Message(new VideoReadOptions { Stride = 0 }), Does.Contain("got 0"));
        Assert.That(Message(new VideoReadOptions { Fps = -2 }), Does.Contain("got -2"));
        Assert.That(Message(new VideoReadOptions { Fps = 5, Stride = 2 }), Does.Contain("not both"));
        Assert.That(Message(new VideoReadOptions { StartSeconds = double.NaN }), Does.Contain("NaN"));
        Assert.DoesNotThrow(() => new VideoReadOptions { Width = 8, Height = 4, Fps = 5 }.Validate());
    }

    [Test]
    public void CenterRegion_KeepsTheTargetAspect()
    {
        Assert.That(FrameConverter.CenterRegion(64, 48, 48, 48), Is.EqualTo(new OpenCvSharp.Rect(8, 0, 48, 48)));
        Assert.That(FrameConverter.CenterRegion(48, 64, 64, 64), Is.EqualTo(new OpenCvSharp.Rect(0, 8, 48, 48)));
        Assert.That(FrameConverter.CenterRegion(64, 32, 64, 32), Is.EqualTo(new OpenCvSharp.Rect(0, 0, 64, 32)));
    }

    private static string Message(VideoReadOptions options) =>
        Assert.Catch<ArgumentException>(options.Validate)!.Message;
}
