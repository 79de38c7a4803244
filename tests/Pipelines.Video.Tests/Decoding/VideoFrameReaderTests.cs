using Pipelines.Video.Decoding;
using Pipelines.Video.Tests.Support;

namespace Pipelines.Video.Tests.Decoding;

[TestFixture]
public sealed class VideoFrameReaderTests
{
    private string dir = "";

    [SetUp]
    public void SetUp() => dir = TestClips.TempFolder();

    [TearDown]
    public void TearDown() => Directory.Delete(dir, recursive: true);

    [Test]
    public void H264Mp4_DecodesEveryFrameWithTimestampsAndMotion()
    {
        var gray = new VideoReadOptions { Color = FrameColor.Gray };
        using var reader = VideoFrameReader.Open(TestClips.H264Square, gray);
        var frames = reader.ReadFrames().ToList();

        Assert.That(reader.Info.Codec, Is.EqualTo("h264"));
        Assert.That((reader.Info.Width, reader.Info.Height), Is.EqualTo((64, 48)));
        Assert.That(frames, Has.Count.EqualTo(30));
        Assert.That(reader.Warnings, Is.Empty);
        for (int n = 0; n < frames.Count; n++)
        {
            Assert.That(frames[n].TimeSeconds, Is.EqualTo(n * 0.1).Within(1e-3), $"frame {n}");
            // The square spans x = 2n+2 .. 2n+17, cut at the right edge (63); lossy coding blurs
            // its edges by a pixel at most.
            double expected = (2 * n + 2 + Math.Min(2 * n + 17, 63)) / 2.0;
            Assert.That(TestClips.BrightCentroidX(frames[n]), Is.EqualTo(expected).Within(1.0), $"frame {n}");
        }
    }

    [Test]
    public void Stride_TakesEveryNthFrame()
    {
        var frames = VideoFrameReader.Read(TestClips.H264Square, new VideoReadOptions { Stride = 3 }).ToList();

        Assert.That(frames.Select(f => f.SourceIndex), Is.EqualTo(Enumerable.Range(0, 10).Select(i => 3 * i)));
        Assert.That(frames.Select(f => f.Index), Is.EqualTo(Enumerable.Range(0, 10)));
    }

    [Test]
    public void Fps_SamplesByTimestamp()
    {
        var frames = VideoFrameReader.Read(TestClips.H264Square, new VideoReadOptions { Fps = 4 }).ToList();

        // 10 fps sampled at 4 fps: the first frame at or after 0, 0.25, 0.5, ... s.
        int[] expected = { 0, 3, 5, 8, 10, 13, 15, 18, 20, 23, 25, 28 };
        Assert.That(frames.Select(f => f.SourceIndex), Is.EqualTo(expected));
    }

    [Test]
    public void Fps_OnVariableFrameRate_FollowsEachFramesTimestamp()
    {
        var frames = VideoFrameReader.Read(TestClips.VariableRate, new VideoReadOptions { Fps = 10 }).ToList();

        // Frames lie every 0.1 s up to 0.9 s, then every 0.05 s: 10 fps keeps every other one there.
        double[] expected = { 0, .1, .2, .3, .4, .5, .6, .7, .8, .9, 1.0, 1.1, 1.2, 1.3, 1.4 };
        Assert.That(frames.Select(f => f.TimeSeconds), Is.EqualTo(expected).Within(1e-3));
    }

    [Test]
    public void StartAndMaxFrames_SelectAWindow()
    {
        var options = new VideoReadOptions { StartSeconds = 1.0, MaxFrames = 5 };
        var frames = VideoFrameReader.Read(TestClips.H264Square, options).ToList();

        Assert.That(frames.Select(f => f.SourceIndex), Is.EqualTo(new[] { 10, 11, 12, 13, 14 }));
        Assert.That(frames[0].TimeSeconds, Is.EqualTo(1.0).Within(1e-3));
    }

    [Test]
    public void StartPastTheEnd_SaysWhereTheClipEnds()
    {
        var options = new VideoReadOptions { StartSeconds = 9 };
        var e = Assert.Throws<VideoFormatException>(
            () => VideoFrameReader.Read(TestClips.H264Square, options).ToList());

        Assert.That(e!.Message, Does.Contain("no frames at or after 9 s").And.Contain("ends at 2.9 s"));
    }

    [Test]
    public void Resize_StretchAndCenterCrop()
    {
        var stretch = new VideoReadOptions { Color = FrameColor.Gray, Width = 32, Height = 32, MaxFrames = 1 };
        var crop = stretch with { Width = 48, Height = 48, Resize = ResizeMode.CenterCrop };

        var a = VideoFrameReader.Read(TestClips.H264Square, stretch).Single();
        var b = VideoFrameReader.Read(TestClips.H264Square, crop).Single();

        Assert.That((a.Width, a.Height, a.Pixels.Length), Is.EqualTo((32, 32, 32 * 32)));
        // Stretch halves x: the square at 2..17 lands at 1..8.
        Assert.That(TestClips.BrightCentroidX(a), Is.EqualTo(4.5).Within(1.0));
        // Crop keeps the middle 48 columns (8..55) of 64: the square at 2..17 shows as 0..9.
        Assert.That((b.Width, b.Height), Is.EqualTo((48, 48)));
        Assert.That(TestClips.BrightCentroidX(b), Is.EqualTo(4.5).Within(1.0));
    }

    [Test]
    public void MjpgAvi_RgbOrderAndOtherSize()
    {
        string path = TestClips.Write(Path.Combine(dir, "clip.avi"), "MJPG", frames: 12, width: 80, height: 60);

        using var reader = VideoFrameReader.Open(path, new VideoReadOptions { Color = FrameColor.Rgb });
        var frames = reader.ReadFrames().ToList();

        Assert.That(reader.Info.Codec, Is.EqualTo("MJPG"));
        Assert.That(frames, Has.Count.EqualTo(12));
        var first = frames[0];
        Assert.That((first.Width, first.Height, first.Channels), Is.EqualTo((80, 60, 3)));
        // Top-left pixel was written as BGR (0, 100, 200): R comes first after the swap. JPEG is lossy.
        Assert.That(first.Pixels[0], Is.EqualTo(200).Within(8));
        Assert.That(first.Pixels[1], Is.EqualTo(100).Within(8));
        Assert.That(first.Pixels[2], Is.EqualTo(0).Within(8));
    }

    [Test]
    public void Mp4vMp4_ResizedToTheModelSize()
    {
        string path = TestClips.Write(Path.Combine(dir, "wide.mp4"), "mp4v", frames: 8, width: 96, height: 72);

        var frames = VideoFrameReader.Read(path, new VideoReadOptions
        {
            Color = FrameColor.Gray, Width = 64, Height = 64,
        }).ToList();

        Assert.That(frames, Has.Count.EqualTo(8));
        Assert.That(frames.All(f => f.Width == 64 && f.Height == 64 && f.Pixels.Length == 64 * 64), Is.True);
    }

    [Test]
    public void MjpegSubsamplingChange_IsDecodedWithRightColoursAndWarned()
    {
        using var reader = VideoFrameReader.Open(TestClips.MjpegSubsamplingChange);
        var frames = reader.ReadFrames().ToList();

        Assert.That(frames, Has.Count.EqualTo(10));
        // Frame 5 is frame 0 of the 4:2:0 clip, which FFmpeg decodes right when it is alone. Inside
        // the joined clip FFmpeg by itself is far off (wrong colours); the reader's libjpeg decode
        // differs from the reference only by the two decoders' chroma upsampling (large on this tiny,
        // saturated test pattern, but well under FFmpeg's error).
        var reference = VideoFrameReader.Read(TestClips.Mjpeg420).First();
        double ours = MeanAbsDiff(reference.Pixels, frames[5].Pixels);
        double ffmpegAlone = MeanAbsDiff(reference.Pixels, FfmpegFrame(TestClips.MjpegSubsamplingChange, 5));
        Assert.That(ffmpegAlone, Is.GreaterThan(40), "the fixture must show the FFmpeg fault");
        Assert.That(ours, Is.LessThan(ffmpegAlone / 2));
        Assert.That(reader.Warnings, Has.Count.EqualTo(1));
        Assert.That(reader.Warnings[0], Does.Contain("frame 5 (2x2,1x2,1x2 -> 2x2,1x1,1x1)"),
            "4:2:2 then 4:2:0, as ffmpeg writes them");
    }

    [Test]
    public void RotationMetadata_IsApplied()
    {
        using var reader = VideoFrameReader.Open(TestClips.Rotated90, new VideoReadOptions { Color = FrameColor.Gray });
        var frame = reader.ReadFrames().First();

        // Stored 64x32 landscape; the display matrix turns it upright as 32x64 portrait.
        Assert.That((frame.Width, frame.Height), Is.EqualTo((32, 64)));
        Assert.That((reader.Info.Width, reader.Info.Height), Is.EqualTo((32, 64)));
    }

    [Test]
    public void AudioOnlyMp4_SaysNoVideoStream()
    {
        var e = Assert.Throws<VideoFormatException>(() => VideoFrameReader.Open(TestClips.AudioOnly));

        Assert.That(e!.Message, Does.StartWith($"'{TestClips.AudioOnly}': "));
        Assert.That(e.Reason, Does.Contain("MP4/QuickTime").And.Contain("no readable video stream"));
    }

    [Test]
    public void MissingEmptyFolderAndJunk_OneClearReasonEach()
    {
        string empty = Path.Combine(dir, "empty.mp4");
        File.WriteAllBytes(empty, Array.Empty<byte>());
        string junk = Path.Combine(dir, "junk.avi");
        File.WriteAllBytes(junk, Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 251)).ToArray());

        Assert.That(Reason(Path.Combine(dir, "nope.mp4")), Is.EqualTo("file not found"));
        Assert.That(Reason(empty), Is.EqualTo("file is empty (0 bytes)"));
        Assert.That(Reason(dir), Is.EqualTo("is a folder, not a video file"));
        Assert.That(Reason(junk), Does.StartWith("cannot be opened as video: not a container"));
    }

    // Root reads any file whatever its mode; a write-only sysctl file is refused even to root, so the
    // case runs here too (it reports size 0, so it also shows the read is checked before the size).
    // A plain chmod 000 clip was checked by hand as nobody: "cannot be read: permission denied".
    [Test]
    public void UnreadableFile_SaysPermissionDeniedAfterItsName()
    {
        const string writeOnly = "/proc/sys/vm/compact_memory";
        if (!File.Exists(writeOnly) || CanOpen(writeOnly))
        {
            Assert.Ignore($"{writeOnly} is missing or readable here, so no unreadable file can be made");
        }

        string clip = Path.Combine(dir, "locked.mp4");
        File.CreateSymbolicLink(clip, writeOnly);

        var e = Assert.Throws<VideoFormatException>(() => VideoFrameReader.Open(clip));

        Assert.That(e!.Path, Is.EqualTo(clip));
        Assert.That(e.Reason, Is.EqualTo("cannot be read: permission denied"));
    }

    private static bool CanOpen(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    [Test]
    public void TruncatedMp4_DecodesWhatIsThereAndSaysWhereTheFileEnds()
    {
        // The fixture is ftyp, moov (1084 bytes), free, mdat (1310 bytes). OpenCV reports the header's
        // 30 frames, decodes 14 of them from the first 90% and then stops as at a normal end.
        byte[] whole = File.ReadAllBytes(TestClips.H264Square);
        int length = whole.Length * 9 / 10;
        string cut = Cut(whole, length, "cut.mp4");

        using var reader = VideoFrameReader.Open(cut);
        int count = reader.ReadFrames().Count();

        Assert.That(count, Is.EqualTo(14));
        Assert.That(reader.Truncation, Does.Contain("decoding stopped after 14 frames (at 1.3 s)")
            .And.Contain("header announces 30")
            .And.Contain($"the file ends at byte {length} but its 'mdat' box runs to byte {whole.Length}"));
        Assert.That(reader.Warnings.Single(), Does.Contain("appears truncated").And.Contain(reader.Truncation));
    }

    [Test]
    public void TruncatedMp4_WithNoDecodableFrame_SaysTruncatedNotCorrupt()
    {
        // Cut at 75%: the H.264 decoder gives no frame at all from what is left.
        byte[] whole = File.ReadAllBytes(TestClips.H264Square);
        int length = whole.Length * 3 / 4;
        string cut = Cut(whole, length, "cut.mp4");

        var e = Assert.Throws<VideoFormatException>(() => VideoFrameReader.Read(cut).ToList());

        Assert.That(e!.Reason, Does.StartWith("no decodable video frames: the file appears truncated")
            .And.Contain($"the file ends at byte {length} but its 'mdat' box runs to byte {whole.Length}"));
    }

    [Test]
    public void Mp4CutInsideItsHeader_SaysWhichBoxIsCut()
    {
        byte[] whole = File.ReadAllBytes(TestClips.H264Square);
        string cut = Cut(whole, 600, "cut.mp4");

        Assert.That(Reason(cut), Does.StartWith("cannot be opened as video: MP4/QuickTime file")
            .And.Contain("appears truncated: the file ends at byte 600 but its 'moov' box runs to byte 1116"));
    }

    // Found by a new-user trial: video emotion refused a whole variable-rate AVI as truncated, its
    // header announcing a slot for every 1/30 s where only 22 frames are.
    [Test]
    public void VariableRateAvi_WithFewerFramesThanHeaderSlots_IsNotTruncated()
    {
        using var reader = VideoFrameReader.Open(TestClips.MjpegVariableRate);
        int count = reader.ReadFrames().Count();

        Assert.That((count, reader.Info.HeaderFrameCount), Is.EqualTo((22, 166L)));
        Assert.That(reader.Truncation, Is.Null);
        Assert.That(reader.Warnings, Is.Empty);

        // Cut to its first half, it is truncated all the same.
        byte[] whole = File.ReadAllBytes(TestClips.MjpegVariableRate);
        using var cut = VideoFrameReader.Open(Cut(whole, whole.Length / 2, "cut.avi"));
        _ = cut.ReadFrames().Count();
        Assert.That(cut.Truncation, Does.Contain("though the header announces 166"));
    }

    [Test]
    public void WholeFile_HasNoTruncation()
    {
        using var reader = VideoFrameReader.Open(TestClips.H264Square);
        _ = reader.ReadFrames().Count();

        Assert.That(reader.Truncation, Is.Null);
    }

    [Test]
    public void UnknownCodec_IsOneClearReason()
    {
        string path = TestClips.Write(Path.Combine(dir, "odd.avi"), "MJPG", frames: 5, width: 32, height: 32);
        byte[] bytes = File.ReadAllBytes(path);
        // The AVI headers name the codec twice (strh handler, strf compression): make both unknown.
        for (int i = 0; i + 4 <= Math.Min(bytes.Length, 4096); i++)
        {
            if (bytes[i] == 'M' && bytes[i + 1] == 'J' && bytes[i + 2] == 'P' && bytes[i + 3] == 'G')
            {
                "QQQQ"u8.CopyTo(bytes.AsSpan(i));
            }
        }

        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<VideoFormatException>(() => VideoFrameReader.Read(path).ToList());
        Assert.That(e!.Path, Is.EqualTo(path));
        Assert.That(e.Reason, Does.Contain("codec"), e.Reason);
    }

    [Test]
    public void ZeroFrameFile_IsRefused()
    {
        string path = TestClips.Write(Path.Combine(dir, "none.avi"), "MJPG", frames: 0, width: 32, height: 32);

        var e = Assert.Throws<VideoFormatException>(() => VideoFrameReader.Read(path).ToList());

        Assert.That(e!.Path, Is.EqualTo(path));
    }

    [Test]
    public void FramesAreReadOnce()
    {
        using var reader = VideoFrameReader.Open(TestClips.H264Square);
        _ = reader.ReadFrames().Take(2).ToList();

        Assert.Throws<InvalidOperationException>(() => reader.ReadFrames());
    }

    [Test]
    public void LongClip_StreamsWithoutHoldingFrames()
    {
        // 400 frames of 160x120 RGB would be 23 MB held at once; streaming keeps only one.
        string path = TestClips.Write(
            Path.Combine(dir, "long.avi"), "MJPG", frames: 400, width: 160, height: 120, fps: 25);
        int count = 0;
        double lastTime = -1;
        foreach (var frame in VideoFrameReader.Read(path, new VideoReadOptions { Color = FrameColor.Gray }))
        {
            Assert.That(frame.TimeSeconds, Is.GreaterThan(lastTime));
            lastTime = frame.TimeSeconds;
            count++;
        }

        Assert.That(count, Is.EqualTo(400));
        Assert.That(lastTime, Is.EqualTo(399 / 25.0).Within(1e-3));
    }

    private string Cut(byte[] whole, int length, string name)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, whole[..length]);
        return path;
    }

    private static double MeanAbsDiff(byte[] a, byte[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Average();

    // Frame n as FFmpeg alone decodes it, RGB bytes.
    private static byte[] FfmpegFrame(string path, int n)
    {
        using var capture = new OpenCvSharp.VideoCapture(path, OpenCvSharp.VideoCaptureAPIs.FFMPEG);
        using var frame = new OpenCvSharp.Mat();
        for (int i = 0; i <= n; i++)
        {
            capture.Read(frame);
        }

        using var rgb = frame.CvtColor(OpenCvSharp.ColorConversionCodes.BGR2RGB);
        var bytes = new byte[rgb.Total() * 3];
        System.Runtime.InteropServices.Marshal.Copy(rgb.Data, bytes, 0, bytes.Length);
        return bytes;
    }

    private static string Reason(string path) =>
        Assert.Throws<VideoFormatException>(() => VideoFrameReader.Open(path))!.Reason;
}
