using OpenCvSharp;
using Pipelines.Video.Faces;

namespace Pipelines.Video.Tests.Faces;

[TestFixture]
public sealed class FaceBoxTests
{
    [Test]
    public void IoU_of_known_overlaps()
    {
        var a = new FaceBox(0, 0, 10, 10);

        Assert.That(a.IoU(a), Is.EqualTo(1.0));
        Assert.That(a.IoU(new FaceBox(5, 0, 10, 10)), Is.EqualTo(50.0 / 150).Within(1e-12));
        Assert.That(a.IoU(new FaceBox(20, 20, 5, 5)), Is.EqualTo(0.0));
        Assert.That(a.IoU(new FaceBox(3, 3, 0, 0)), Is.EqualTo(0.0));
    }

    [Test]
    public void Square_crop_grows_by_the_margin_and_stays_inside_the_frame()
    {
        var inside = FaceCrop.SquareAround(new Rect(100, 100, 50, 40), 640, 480, margin: 0.1);
        Assert.That(inside, Is.EqualTo(new Rect(95, 90, 60, 60)));

        var corner = FaceCrop.SquareAround(new Rect(0, 0, 50, 50), 640, 480, margin: 0.2);
        Assert.That(corner, Is.EqualTo(new Rect(0, 0, 70, 70)));

        var huge = FaceCrop.SquareAround(new Rect(0, 0, 600, 470), 640, 480, margin: 0.5);
        Assert.That(huge.Width, Is.EqualTo(480));
        Assert.That(huge.Bottom, Is.LessThanOrEqualTo(480));
    }

    [Test]
    public void Cut_gives_side_by_side_gray_bytes_of_the_region()
    {
        using var frame = new Mat(100, 200, MatType.CV_8UC3, new Scalar(0, 0, 0));
        frame.Rectangle(new Rect(100, 0, 100, 100), new Scalar(255, 255, 255), -1);

        byte[] left = FaceCrop.Cut(frame, new Rect(10, 10, 50, 50), 48, margin: 0);
        byte[] right = FaceCrop.Cut(frame, new Rect(130, 10, 50, 50), 48, margin: 0);

        Assert.That(left, Has.Length.EqualTo(48 * 48));
        Assert.That(left.Max(), Is.EqualTo(0));
        Assert.That(right.Min(), Is.EqualTo(255));
    }
}
