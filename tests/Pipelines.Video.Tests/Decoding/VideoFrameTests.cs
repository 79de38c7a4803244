using Pipelines.Video.Decoding;

namespace Pipelines.Video.Tests.Decoding;

[TestFixture]
public sealed class VideoFrameTests
{
    [Test]
    public void ToPlanar_SplitsChannelsAndScales()
    {
        // 2x1 RGB: pixel 0 = (255, 0, 51), pixel 1 = (0, 102, 255).
        var frame = new VideoFrame(0, 0, 0, 2, 1, FrameColor.Rgb, new byte[] { 255, 0, 51, 0, 102, 255 });

        Assert.That(frame.ToPlanar(), Is.EqualTo(new[] { 1f, 0f, 0f, 0.4f, 0.2f, 1f }).Within(1e-6));
    }

    [Test]
    public void ToBgrMat_RoundTripsThroughOpenCv()
    {
        var frame = new VideoFrame(0, 0, 0, 2, 1, FrameColor.Rgb, new byte[] { 255, 0, 51, 0, 102, 255 });
        using var mat = frame.ToBgrMat();

        var bgr = mat.Get<OpenCvSharp.Vec3b>(0, 0);
        Assert.That((bgr.Item0, bgr.Item1, bgr.Item2), Is.EqualTo(((byte)51, (byte)0, (byte)255)));
    }

    [Test]
    public void WrongPixelCount_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => _ = new VideoFrame(0, 0, 0, 2, 2, FrameColor.Gray, new byte[3]));
    }
}
