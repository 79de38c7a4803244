using OpenCvSharp;
using Pipelines.Video.Decoding;
using Pipelines.Video.Emotion;
using Pipelines.Video.Tests.Support;

namespace Pipelines.Video.Tests.Emotion;

[TestFixture]
public sealed class EmotionMediaTests
{
    [Test]
    public void A_still_is_one_frame_at_time_zero()
    {
        using var temp = new TempDir();
        string path = Path.Combine(temp.Path, "face.png");
        using (var img = new Mat(30, 40, MatType.CV_8UC3, new Scalar(1, 2, 3)))
        {
            Cv2.ImWrite(path, img);
        }

        var frames = EmotionMedia.Frames(path, 10).Select(f => (f.Index, f.TimeSeconds, f.Image.Width)).ToList();

        Assert.That(frames, Is.EqualTo(new[] { (0, 0.0, 40) }));
    }

    [Test]
    public void A_videos_frames_report_the_share_read_from_zero_to_near_one()
    {
        using var temp = new TempDir();
        string path = TestClips.Write(Path.Combine(temp.Path, "clip.avi"), "MJPG", frames: 20, width: 32, height: 24);
        var shares = new List<double>();

        int count = EmotionMedia.Frames(path, null, progress: new Progress(shares.Add)).Count();

        Assert.That(count, Is.EqualTo(20));
        Assert.That(shares, Has.Count.EqualTo(20).And.Ordered);
        Assert.That(shares[0], Is.Zero);
        Assert.That(shares[^1], Is.EqualTo(0.95).Within(1e-6), "frame 19 of 20 at 10 fps: 1.9 s of 2 s");
    }

    // Where a build of OpenCV throws from imread (rather than returning an empty image) for a
    // header over its pixel limit, its assertion text "pixels <= CV_IO_MAX_IMAGE_PIXELS" reached
    // the user as the reason; it is said in words, and any other decoder error as a failed decode.
    [TestCase("pixels <= CV_IO_MAX_IMAGE_PIXELS", "validateInputImageSize",
        "image declares more pixels than OpenCV decodes (2^30, or 2^20 a side)")]
    [TestCase("width <= CV_IO_MAX_IMAGE_WIDTH", "validateInputImageSize",
        "image declares more pixels than OpenCV decodes (2^30, or 2^20 a side)")]
    [TestCase("!_img.empty()", "imread_",
        "not an image OpenCV can decode (truncated, corrupt or another format)")]
    public void An_opencv_decoder_error_is_a_plain_reason(string message, string function, string expected)
    {
        var e = new OpenCVException(ErrorCode.StsAssert, function, message, "loadsave.cpp", 77);

        Assert.That(EmotionMedia.DecodeFailure(e), Is.EqualTo(expected));
    }

    // Reports synchronously (System.Progress posts to the thread pool).
    private sealed class Progress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }

    [Test]
    public void Bad_images_are_one_line_naming_the_file()
    {
        using var temp = new TempDir();
        string empty = Path.Combine(temp.Path, "empty.jpg");
        string junk = Path.Combine(temp.Path, "junk.png");
        File.WriteAllBytes(empty, Array.Empty<byte>());
        File.WriteAllText(junk, "not a picture");

        Assert.That(() => EmotionMedia.ReadImage(empty),
            Throws.TypeOf<VideoFormatException>().With.Message.Contains("empty.jpg").And.Message.Contains("0 bytes"));
        Assert.That(() => EmotionMedia.ReadImage(junk),
            Throws.TypeOf<VideoFormatException>().With.Message.Contains("junk.png").And.Message.Contains("decode"));
        Assert.That(() => EmotionMedia.ReadImage(Path.Combine(temp.Path, "none.jpg")),
            Throws.TypeOf<VideoFormatException>().With.Message.Contains("does not exist"));
    }

    [Test]
    public void A_truncated_jpeg_is_refused_whatever_its_name_and_a_whole_one_still_reads()
    {
        using var temp = new TempDir();
        string whole = Path.Combine(temp.Path, "whole.jpg");
        string cut = Path.Combine(temp.Path, "cut.jpg");
        string cutPng = Path.Combine(temp.Path, "cut-named.png");
        byte[] jpeg = NoisyJpeg();
        File.WriteAllBytes(whole, jpeg);
        // 60% of the bytes: libjpeg decodes it with the rest grey and only a stderr note.
        File.WriteAllBytes(cut, jpeg[..(jpeg.Length * 3 / 5)]);
        File.WriteAllBytes(cutPng, jpeg[..(jpeg.Length * 3 / 5)]);

        using (var image = EmotionMedia.ReadImage(whole))
        {
            Assert.That(image.Width, Is.EqualTo(64));
        }

        Assert.That(() => EmotionMedia.ReadImage(cut), Throws.TypeOf<VideoFormatException>()
            .With.Message.Contains("cut.jpg").And.Message.Contains("end-of-image marker is missing"));
        Assert.That(() => EmotionMedia.ReadImage(cutPng), Throws.TypeOf<VideoFormatException>()
            .With.Message.Contains("truncated JPEG"));
    }

    // Noise keeps the compressed data large, so a cut falls well inside the scan.
    internal static byte[] NoisyJpeg()
    {
        using var noise = new Mat(48, 64, MatType.CV_8UC3);
        Cv2.Randu(noise, new Scalar(0, 0, 0), new Scalar(255, 255, 255));
        Cv2.ImEncode(".jpg", noise, out byte[] jpeg);
        return jpeg;
    }

    [Test]
    public void The_annotated_still_is_written_whole_with_the_same_size()
    {
        using var temp = new TempDir();
        string input = Path.Combine(temp.Path, "in.png");
        using (var img = new Mat(50, 70, MatType.CV_8UC3, Scalar.Black))
        {
            Cv2.ImWrite(input, img);
        }

        var track = new EmotionTrackResult(1,
            new[] { new EmotionSegment(0, 0, "happy", 0.9, new Dictionary<string, double>(), 1) }, "happy", 0.9,
            new[] { new Pipelines.Video.Faces.TrackedFace(0, 0, new Pipelines.Video.Faces.FaceBox(10, 10, 30, 30)) });
        var result = new EmotionClipResult("happy", 0.9, new[] { track }, 1);
        string target = Path.Combine(temp.Path, "in.annotated.png");

        var written = EmotionMedia.WriteAnnotated(input, target, result, EmotionLabels.All, null);

        Assert.That(written, Is.EqualTo((70, 50, 1, false)));
        Assert.That(Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "in.annotated.png", "in.png" }));
    }

    // FFmpeg's MPEG-4 encoder takes at most 8191 pixels a side: an 8K video's annotated copy comes
    // out at half its size, whole, instead of failing the file.
    [Test]
    public void An_annotated_video_too_large_for_the_encoder_is_scaled_down()
    {
        using var temp = new TempDir();
        string input = TestClips.Write(Path.Combine(temp.Path, "big.avi"), "MJPG", frames: 2, width: 8192,
            height: 4320);
        var result = new EmotionClipResult(null, null, Array.Empty<EmotionTrackResult>(), 2);
        string target = Path.Combine(temp.Path, "big.annotated.mp4");

        var written = EmotionMedia.WriteAnnotated(input, target, result, EmotionLabels.All, null);

        Assert.That(written, Is.EqualTo((4096, 2160, 2, true)));
        Assert.That(Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "big.annotated.mp4", "big.avi" }));
    }
}
