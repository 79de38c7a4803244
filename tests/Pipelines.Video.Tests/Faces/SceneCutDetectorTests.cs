using OpenCvSharp;
using Pipelines.Video.Faces;

namespace Pipelines.Video.Tests.Faces;

[TestFixture]
public sealed class SceneCutDetectorTests
{
    private static Mat Frame(int shade, int squareX)
    {
        var m = new Mat(180, 320, MatType.CV_8UC3, new Scalar(shade, shade, shade));
        m.Rectangle(new Rect(squareX, 40, 80, 80), new Scalar(255, 255, 255), -1);
        return m;
    }

    [Test]
    public void Motion_within_a_shot_is_not_a_cut_and_a_new_shot_is()
    {
        var cuts = new SceneCutDetector(40);
        var seen = new List<bool>();
        foreach (var (shade, x) in new[] { (40, 20), (40, 26), (40, 32), (200, 180), (200, 184) })
        {
            using var frame = Frame(shade, x);
            seen.Add(cuts.IsCut(frame));
        }

        Assert.That(seen, Is.EqualTo(new[] { false, false, false, true, false }));
    }

    [Test]
    public void A_zero_threshold_never_cuts()
    {
        var cuts = new SceneCutDetector(0);
        using var a = Frame(0, 0);
        using var b = Frame(255, 200);

        Assert.That(cuts.IsCut(a) || cuts.IsCut(b), Is.False);
    }
}
