using Pipelines.Speech.Audio;
using Pipelines.Speech.Tests.Support;

namespace Pipelines.Speech.Tests.Audio;

/// <summary>MP3 through NLayer, on the fixtures described in Fixtures/README.md.</summary>
public sealed class Mp3SampleProviderTests
{
    private TempFiles temp = null!;

    [SetUp] public void SetUp() => temp = new TempFiles();
    [TearDown] public void TearDown() => temp.Dispose();

    private static string Fixture(string name) =>
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", name);

    [TestCase("sine440_44k_mpeg1.mp3", 44100, "MPEG-1 Layer III, 44100 Hz")]
    [TestCase("sine440_16k_mpeg2.mp3", 16000, "MPEG-2 Layer III, 16000 Hz")]
    public void Mpeg1And2DecodeTheSine(string name, int rate, string format)
    {
        using var reader = AudioReader.Open(Fixture(name), new AudioReadOptions { TargetSampleRate = 16000 });
        float[] x = reader.ReadToEnd();
        Assert.Multiple(() =>
        {
            Assert.That(reader.Container, Is.EqualTo(AudioContainer.Mp3));
            Assert.That(reader.SourceFormat, Is.EqualTo(format));
            Assert.That(reader.SourceSampleRate, Is.EqualTo(rate));
            // The encoder adds up to ~2 frames of padding around the 0.5 s written.
            Assert.That(x.Length / 16000.0, Is.InRange(0.45, 0.7));
        });
        float[] middle = x[(x.Length / 2 - 2000)..(x.Length / 2 + 2000)];
        Assert.That(Signals.PeakFrequency(middle, 16000, 400, 480), Is.EqualTo(440).Within(2));
        Assert.That(Signals.ToneAmplitude(middle, 440, 16000), Is.EqualTo(0.5).Within(0.05));
        Assert.That(middle.Max(Math.Abs), Is.LessThan(0.6f), "a correct decode stays near the 0.5 written");
    }

    // A LAME tag records the encoder's delay (576 samples) and end padding: they and the decoder's own
    // delay (529) are dropped, so the 0.5 s sine comes out as exactly the 0.5 s written and starts at
    // once. NLayer applied a LAME-named tag itself but not its own delay (the sine 529 samples late),
    // and an ffmpeg-named ("Lavc") one not at all (1105 near-silent samples first, word times 0.03-0.07 s
    // late, the file 0.57 s long).
    [TestCase("sine440_44k_mpeg1.mp3", 44100)]
    [TestCase("sine440_22k_lavc.mp3", 22050)]
    public void TheEncoderDelayAndPaddingOfALameTagAreDropped(string name, int rate)
    {
        float[] x = AudioReader.ReadAll(Fixture(name));

        Assert.That(x.Length, Is.EqualTo(rate / 2));
        double rms = Math.Sqrt(x.Take(rate / 100).Average(v => (double)v * v));
        Assert.That(rms, Is.EqualTo(0.5 / Math.Sqrt(2)).Within(0.05), "the first 10 ms are the sine, not silence");
    }

    // An MP3 cut mid-file decodes what is there, but says so: its last frame runs past the end
    // (found by walking the frames by their headers' lengths). The whole file says nothing.
    [Test]
    public void AnMp3CutShortWarnsThatItAppearsTruncated()
    {
        byte[] mp3 = File.ReadAllBytes(Fixture("sine440_44k_mpeg1.mp3"));
        string cut = temp.Write("cut.mp3", mp3[..(mp3.Length * 2 / 3)]);
        var warnings = new List<string>();
        using (var reader = AudioReader.Open(cut, new AudioReadOptions { OnWarning = warnings.Add }))
        {
            Assert.That(reader.ReadToEnd(), Is.Not.Empty, "the frames that are there still decode");
        }

        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0], Does.Contain(cut).And.Contain("appears truncated"));

        warnings.Clear();
        var options = new AudioReadOptions { OnWarning = warnings.Add };
        using (var whole = AudioReader.Open(Fixture("sine440_44k_mpeg1.mp3"), options))
        {
            whole.ReadToEnd();
        }

        Assert.That(warnings, Is.Empty);
    }

    [Test]
    public void Mpeg25IsRefusedByItsVersionBits()
    {
        string path = Fixture("sine440_8k_mpeg25.mp3");
        var e = Assert.Throws<AudioFormatException>(() => AudioReader.Open(path))!;
        Assert.That(e.Message, Does.Contain(path).And.Contain("MPEG-2.5 Layer III, 8000 Hz is not supported"));
    }

    [Test]
    public void Id3v2TagIsSkippedByItsDeclaredSizeEvenWhenItHoldsFrameLikeBytes()
    {
        byte[] mp3 = File.ReadAllBytes(Fixture("sine440_16k_mpeg2.mp3"));
        float[] plain = AudioReader.ReadAll(Fixture("sine440_16k_mpeg2.mp3"));

        // A fake "cover picture" holding a run of valid-looking MPEG-2.5 frame headers at their
        // exact frame spacing: a scanner that searched from byte 0 would lock onto them.
        byte[] picture = FakeMpeg25Frames(count: 6);
        byte[] tag = Id3v2Tag(picture);
        string path = temp.Write("tagged.mp3", [.. tag, .. mp3]);

        using var reader = AudioReader.Open(path);
        Assert.That(reader.SourceFormat, Is.EqualTo("MPEG-2 Layer III, 16000 Hz"));
        Assert.That(reader.ReadToEnd(), Is.EqualTo(plain));
    }

    [Test]
    public void Id3v1TagAtTheEndIsNotDecodedAsAudio()
    {
        // NLayer 3.0.1 already stops at a "TAG" block and we cut it off before NLayer sees it;
        // this guards the pair, so a decoder change cannot start playing tag text.
        string plainPath = Fixture("sine440_44k_mpeg1.mp3");
        float[] plain = AudioReader.ReadAll(plainPath);
        var tag = new byte[128];
        "TAG"u8.CopyTo(tag);
        // Tag text that is a whole valid frame of the stream's own format (MPEG-1 Layer III,
        // 44.1 kHz, 32 kbps: 104 bytes), which a decoder reading to the end would play.
        new byte[] { 0xFF, 0xFB, 0x10, 0xC4 }.CopyTo(tag, 3);
        Assert.That(MpegFrameHeader.TryParse(tag.AsSpan(3), out MpegFrameHeader h) && h.FrameLength == 104);
        string path = temp.Write("v1.mp3", [.. File.ReadAllBytes(plainPath), .. tag]);
        Assert.That(AudioReader.ReadAll(path), Is.EqualTo(plain));
    }

    [Test]
    public void Id3v2TagWithNoAudioAfterItIsAClearError()
    {
        string path = temp.Write("tag-only.mp3", Id3v2Tag(new byte[300]));
        var e = Assert.Throws<AudioFormatException>(() => AudioReader.Open(path))!;
        Assert.That(e.Reason, Does.Contain("ID3v2").And.Contain("no audio"));
    }

    [Test]
    public void FrameSyncFollowedByGarbageIsNotTakenForMp3()
    {
        var rng = new Random(5);
        var junk = new byte[2000];
        rng.NextBytes(junk);
        junk[0] = 0xFF;
        junk[1] = 0xFB;
        junk[2] = 0x50; // a valid MPEG-1 header whose successor is not where it should be
        junk[3] = 0xC4;
        string path = temp.Write("junk.mp3", junk);
        Assert.That(() => AudioReader.Open(path), Throws.TypeOf<AudioFormatException>());
    }

    [Test]
    public void TruncatedMp3DecodesTheFramesPresent()
    {
        byte[] mp3 = File.ReadAllBytes(Fixture("sine440_44k_mpeg1.mp3"));
        string path = temp.Write("cut.mp3", mp3[..(mp3.Length * 6 / 10)]);
        float[] x = AudioReader.ReadAll(path);
        Assert.That(x.Length / 44100.0, Is.InRange(0.2, 0.45));
    }

    private static byte[] FakeMpeg25Frames(int count)
    {
        // FF E3 18 C4: MPEG-2.5 Layer III, 8 kbps index 1, 8 kHz, mono -> 72*8000/8000 = 72 bytes.
        Assert.That(MpegFrameHeader.TryParse([0xFF, 0xE3, 0x18, 0xC4], out MpegFrameHeader h), Is.True);
        Assert.That(h.Version, Is.EqualTo(MpegVersion.Mpeg25));
        var frames = new byte[h.FrameLength * count];
        for (int i = 0; i < count; i++)
            new byte[] { 0xFF, 0xE3, 0x18, 0xC4 }.CopyTo(frames, i * h.FrameLength);
        return frames;
    }

    private static byte[] Id3v2Tag(byte[] payload)
    {
        // ID3v2.3 header; the frame holds the payload; the size is 4 x 7-bit "syncsafe" bytes.
        byte[] frame = [.. "APIC"u8, .. BigEndian(payload.Length), 0, 0, .. payload];
        int size = frame.Length;
        byte[] header = [.. "ID3"u8, 3, 0, 0, (byte)(size >> 21 & 0x7F), (byte)(size >> 14 & 0x7F),
            (byte)(size >> 7 & 0x7F), (byte)(size & 0x7F)];
        return [.. header, .. frame];
    }

    private static byte[] BigEndian(int v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];
}
