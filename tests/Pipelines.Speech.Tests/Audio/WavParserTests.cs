using System.Text;
using Pipelines.Speech.Audio;
using Pipelines.Speech.Tests.Support;

namespace Pipelines.Speech.Tests.Audio;

/// <summary>The WAV pitfalls: lying data sizes, odd chunks, LIST chunks, extensible headers.</summary>
public sealed class WavParserTests
{
    private TempFiles temp = null!;

    [SetUp] public void SetUp() => temp = new TempFiles();
    [TearDown] public void TearDown() => temp.Dispose();

    private static readonly float[] Tone = Signals.Sine(440, 16000, 0.25);

    private string WriteTone(WavBuilder b, string name) =>
        temp.Write(name, b.Build(WavBuilder.Encode(Tone, 1, 16)));

    private static void AssertIsTone(float[] got) =>
        Assert.That(got, Is.EqualTo(Tone).Within(1.0 / 32767 + 1e-6), "samples differ from the tone written");

    [Test]
    public void DataSizeZeroWithAudioAfterItIsRecoveredWithAWarning()
    {
        string path = WriteTone(new WavBuilder { DataSizeOverride = 0 }, "unfinalised.wav");
        var warned = new List<string>();
        using var reader = AudioReader.Open(path, new AudioReadOptions { OnWarning = warned.Add });
        AssertIsTone(reader.ReadToEnd());
        Assert.That(reader.SourceDuration!.Value.TotalSeconds, Is.EqualTo(0.25).Within(1e-9));
        Assert.That(warned, Has.Count.EqualTo(1));
        Assert.That(warned[0], Does.Contain("size 0").And.Contain(path));
    }

    // The encoding as a WAV's reader names it ("PCM"), not as the enum member is spelled ("Pcm").
    [Test]
    public void ImpossibleBitDepthNamesTheEncodingInItsOwnWords()
    {
        string path = temp.Write("twelve.wav", new WavBuilder { Bits = 12 }.Build(new byte[64]));
        var e = Assert.Throws<AudioFormatException>(() => AudioReader.Open(path).Dispose());
        Assert.That(e!.Reason, Does.StartWith("12 bits per sample is not valid for PCM ("));
    }

    [Test]
    public void PlaceholderDataSizeIsTakenFromTheBytesPresent()
    {
        string path = WriteTone(new WavBuilder { DataSizeOverride = 0xFFFFFFFF }, "streamed.wav");
        using var reader = AudioReader.Open(path);
        AssertIsTone(reader.ReadToEnd());
        Assert.That(reader.Warnings.Single(), Does.Contain("0xFFFFFFFF"));
    }

    [Test]
    public void DataSizeLargerThanTheFileIsATruncatedFile()
    {
        // Found by a new-user trial: a WAV cut to a third gave the transcript of that third with a
        // warning and exit 0, and its output was then skipped as done on every later run.
        string path = WriteTone(new WavBuilder { DataSizeOverride = 1_000_000 }, "truncated.wav");
        var e = Assert.Throws<AudioFormatException>(() => AudioReader.Open(path).Dispose());
        Assert.That(e!.Message, Does.Contain(path).And.Contain(
            "truncated: the data chunk declares 1000000 bytes but only 8000 are present"));
    }

    [Test]
    public void StaleSmallDataSizeWithSamplesAfterItIsReadToEndOfFileWithAWarning()
    {
        // A writer that updates the header now and then and was stopped: the data chunk says 1000
        // bytes, yet 7000 more bytes of samples follow with no chunk header among them.
        string path = WriteTone(new WavBuilder { DataSizeOverride = 1000 }, "stale.wav");
        var warned = new List<string>();
        using var reader = AudioReader.Open(path, new AudioReadOptions { OnWarning = warned.Add });
        AssertIsTone(reader.ReadToEnd());
        Assert.That(reader.SourceDuration!.Value.TotalSeconds, Is.EqualTo(0.25).Within(1e-9));
        Assert.That(warned, Has.Count.EqualTo(1));
        Assert.That(warned[0], Does.Contain(path).And.Contain("declares 1000 bytes").And.Contain("7000")
            .And.Contain("end of file"));
    }

    [Test]
    public void AFewJunkBytesAfterTheDataAreIgnoredNotReadAsAudio()
    {
        // Under 100 ms of bytes that are no chunk: too little to call audio, so the declared size holds.
        byte[] bytes = WavBuilder.Encode(Tone, 1, 16);
        byte[] file = [.. new WavBuilder().Build(bytes), 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08];
        string path = temp.Write("junk-tail.wav", file);
        using var reader = AudioReader.Open(path);
        AssertIsTone(reader.ReadToEnd());
        Assert.That(reader.Warnings.Single(), Does.Contain("ignored 8 trailing bytes"));
    }

    [Test]
    public void AnId3TagAppendedAfterTheDataIsIgnoredNotReadAsAudio()
    {
        // Taggers append ID3v2 (with cover art, easily more than 100 ms of bytes) after the RIFF data.
        var tag = new byte[6000];
        "ID3"u8.CopyTo(tag);
        tag[3] = 3;
        tag[8] = 0x2E;   // syncsafe size 5990 = 0x2E << 7 | 0x66
        tag[9] = 0x66;
        byte[] file = [.. new WavBuilder().Build(WavBuilder.Encode(Tone, 1, 16)), .. tag];
        string path = temp.Write("id3-tail.wav", file);
        using var reader = AudioReader.Open(path);
        AssertIsTone(reader.ReadToEnd());
        Assert.That(reader.Warnings.Single(), Does.Contain("ignored 6000 trailing bytes"));
    }

    [Test]
    public void CorrectDataSizeFollowedByAListChunkKeepsTheDeclaredSize()
    {
        // The legitimate case the stale-size recovery must not touch: data size smaller than the
        // file because chunks follow it.
        var b = new WavBuilder();
        b.ChunksAfterData.Add(("LIST", ListInfo("ICMT", new string('x', 9000))));
        string path = WriteTone(b, "list-after.wav");
        using var reader = AudioReader.Open(path);
        AssertIsTone(reader.ReadToEnd());
        Assert.That(reader.Warnings, Is.Empty);
    }

    [Test]
    public void GenuinelyEmptyDataChunkFollowedByAChunkIsAClearError()
    {
        var b = new WavBuilder { DataSizeOverride = 0 };
        b.ChunksAfterData.Add(("LIST", ListInfo("INAM", "empty")));
        string path = temp.Write("empty-data.wav", b.Build([]));
        var e = Assert.Throws<AudioFormatException>(() => AudioReader.Open(path))!;
        Assert.That(e.Message, Does.Contain(path).And.Contain("0 sample frames"));
    }

    [Test]
    public void OddSizedAndListChunksAroundTheDataAreSkippedWithTheirPadBytes()
    {
        var b = new WavBuilder();
        b.ChunksBeforeData.Add(("junk", [1, 2, 3])); // odd size: a pad byte follows
        b.ChunksBeforeData.Add(("LIST", ListInfo("IART", "odd")));
        b.ChunksAfterData.Add(("LIST", ListInfo("ICMT", "after the data")));
        string path = WriteTone(b, "chunks.wav");
        using var reader = AudioReader.Open(path);
        AssertIsTone(reader.ReadToEnd());
        Assert.That(reader.Warnings, Is.Empty);
    }

    [Test]
    public void OddLengthDataChunkIsReadUpToTheLastWholeSample()
    {
        // 8-bit mono with an odd sample count: the data chunk itself is odd and padded.
        float[] tone = Signals.Sine(300, 8000, 0.1).Take(799).ToArray();
        var b = new WavBuilder { SampleRate = 8000, Bits = 8 };
        b.ChunksAfterData.Add(("LIST", ListInfo("INAM", "x")));
        string path = temp.Write("odd8.wav", b.Build(WavBuilder.Encode(tone, 1, 8)));
        float[] got = AudioReader.ReadAll(path);
        Assert.That(got, Is.EqualTo(tone).Within(1.0 / 127 + 1e-3));
    }

    [Test]
    public void Rf64WithDs64ChunkTakesTheSizeFromDs64()
    {
        byte[] data = WavBuilder.Encode(Tone, 1, 16);
        var ds64 = new byte[28];
        BitConverter.TryWriteBytes(ds64.AsSpan(8), (long)data.Length);
        var b = new WavBuilder { Riff = "RF64", DataSizeOverride = 0xFFFFFFFF };
        b.ChunksBeforeData.Add(("ds64", ds64));
        b.ChunksAfterData.Add(("LIST", ListInfo("INAM", "rf64")));
        string path = temp.Write("rf64.wav", b.Build(data));
        using var reader = AudioReader.Open(path);
        AssertIsTone(reader.ReadToEnd());
        Assert.That(reader.Warnings, Is.Empty);
    }

    [Test]
    public void ExtensibleStereo24BitIsReadAndDownmixedByMean()
    {
        float[] left = Signals.Sine(440, 16000, 0.25, 0.6), right = Signals.Sine(880, 16000, 0.25, 0.2);
        var b = new WavBuilder { Extensible = true, Channels = 2, Bits = 24 };
        string path = temp.Write("ext24.wav", b.Build(WavBuilder.Encode(WavBuilder.Interleave(left, right), 1, 24)));
        using var reader = AudioReader.Open(path);
        float[] got = reader.ReadToEnd();
        Assert.That(reader.SourceChannels, Is.EqualTo(2));
        Assert.That(reader.SourceFormat, Is.EqualTo("PCM 24-bit"));
        float[] mean = left.Zip(right, (l, r) => (l + r) / 2).ToArray();
        Assert.That(got, Is.EqualTo(mean).Within(2e-6));
    }

    [Test]
    public void TruncatedMetadataChunkAfterTheAudioOnlyWarns()
    {
        var b = new WavBuilder();
        b.ChunksAfterData.Add(("LIST", ListInfo("ICMT", "a comment that will be cut off")));
        byte[] bytes = b.Build(WavBuilder.Encode(Tone, 1, 16));
        string path = temp.Write("cut-list.wav", bytes[..^10]);
        using var reader = AudioReader.Open(path);
        AssertIsTone(reader.ReadToEnd());
        Assert.That(reader.Warnings.Single(), Does.Contain("ignored chunk 'LIST'"));
    }

        private static byte[] ListInfo(string key, string value)
    {
        byte[] text = Encoding.ASCII.GetBytes(value + "\0"); // may be odd: tests the pad byte
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write(Encoding.ASCII.GetBytes("INFO"));
        WavBuilder.WriteChunk(w, key, text);
        w.Flush();
        return ms.ToArray();
    }
}
