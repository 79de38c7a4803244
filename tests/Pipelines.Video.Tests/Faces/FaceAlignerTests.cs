using OpenCvSharp;
using Pipelines.Video.Faces;

namespace Pipelines.Video.Tests.Faces;

[TestFixture]
public sealed class FaceAlignerTests
{
    [Test]
    public void Levelling_angle_follows_the_eye_line()
    {
        Assert.That(FaceAligner.LevellingAngle(new Point2d(10, 20), new Point2d(30, 20)), Is.EqualTo(0).Within(1e-9));
        Assert.That(FaceAligner.LevellingAngle(new Point2d(10, 20), new Point2d(30, 40)), Is.EqualTo(45).Within(1e-9));
        Assert.That(FaceAligner.LevellingAngle(new Point2d(10, 20), new Point2d(30, 0)), Is.EqualTo(-45).Within(1e-9));
    }

    [Test]
    public void Rotating_by_the_levelling_angle_makes_a_tilted_bar_level()
    {
        // A bright bar through the box centre, tilted by +20 degrees (down to the right in image
        // coordinates): after levelling, the crop's middle row is bright end to end.
        using var gray = new Mat(200, 200, MatType.CV_8UC1, new Scalar(0));
        double a = 20 * Math.PI / 180;
        var p0 = new Point(100 - 60 * Math.Cos(a), 100 - 60 * Math.Sin(a));
        var p1 = new Point(100 + 60 * Math.Cos(a), 100 + 60 * Math.Sin(a));
        gray.Line(p0, p1, new Scalar(255), 5);
        var box = new FaceBox(60, 60, 80, 80);
        double angle = FaceAligner.LevellingAngle(new Point2d(p0.X, p0.Y), new Point2d(p1.X, p1.Y));

        byte[] level = FaceAligner.Cut(gray, box, 48, angle);
        byte[] plain = FaceAligner.Cut(gray, box, 48, 0);

        int MiddleRowBright(byte[] img) => Enumerable.Range(4, 40).Count(x => img[24 * 48 + x] > 128);
        Assert.That(MiddleRowBright(level), Is.EqualTo(40));
        Assert.That(MiddleRowBright(plain), Is.LessThan(20));
    }

    [Test]
    public void Without_an_eye_cascade_the_crop_is_plain()
    {
        using var aligner = new FaceAligner(null);
        using var frame = new Mat(100, 100, MatType.CV_8UC3, new Scalar(10, 20, 30));

        var crop = aligner.Cut(frame, new FaceBox(10, 10, 60, 60), 48, out double degrees);

        Assert.That(aligner.AlignsEyes, Is.False);
        Assert.That(degrees, Is.EqualTo(0));
        Assert.That(crop, Has.Length.EqualTo(48 * 48));
    }
}
