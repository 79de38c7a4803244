using System.Text;
using Pipelines.Speech.Audio;
using Pipelines.Speech.Tests.Support;

namespace Pipelines.Speech.Tests.Audio;

public sealed class AudioReaderTests
{
    private TempFiles temp = null!;

    [SetUp] public void SetUp() => temp = new TempFiles();
    [TearDown] public void TearDown() => temp.Dispose();

    // Tolerances are one quantisation step of the format; G.711 is logarithmic, with a step of
    // at most 1024/32768 near full scale, so 0.5 amplitude sees steps of at most 512/32768.
    [TestCase(1, 8, false, 1.0 / 127 + 1e-4, "PCM 8-bit")]
    [TestCase(1, 16, false, 1.0 / 32767 + 1e-6, "PCM 16-bit")]
    [TestCase(1, 24, false, 1e-6, "PCM 24-bit")]
    [TestCase(1, 32, false, 1e-6, "PCM 32-bit")]
    [TestCase(3, 32, false, 0.0, "IEEE float 32-bit")]
    [TestCase(3, 64, false, 1e-7, "IEEE float 64-bit")]
    [TestCase(6, 8, false, 512.0 / 32768, "G.711 A-law")]
    [TestCase(7, 8, false, 512.0 / 32768, "G.711 mu-law")]
    [TestCase(1, 16, true, 1.0 / 32767 + 1e-6, "PCM 16-bit")]
    [TestCase(3, 32, true, 0.0, "IEEE float 32-bit")]
    [TestCase(3, 64, true, 1e-7, "IEEE float 64-bit")]
    [TestCase(7, 8, true, 512.0 / 32768, "G.711 mu-law")]
    public void EveryWavEncodingDecodesToTheSamplesWritten(int tag, int bits, bool extensible, double tol,
        string format)
    {
        float[] tone = Signals.Sine(440, 8000, 0.2);
        var b = new WavBuilder { Tag = tag, Bits = bits, SampleRate = 8000, Extensible = extensible };
        string path = temp.Write($"t{tag}-{bits}.wav", b.Build(WavBuilder.Encode(tone, tag, bits)));
        using var reader = AudioReader.Open(path);
        float[] got = reader.ReadToEnd();
        Assert.Multiple(() =>
        {
            Assert.That(reader.SourceFormat, Is.EqualTo(format));
            Assert.That(reader.SampleRate, Is.EqualTo(8000));
            Assert.That(reader.Warnings, Is.Empty);
            Assert.That(got, Is.EqualTo(tone).Within(tol));
        });
    }

    // A float WAV holding NaN or an infinity is refused where it is read, naming the time, not
    // later by the features as "mean NaN"; loud finite audio is read.
    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    [TestCase(float.NegativeInfinity)]
    public void NonFiniteFloatSamplesAreRefusedWithTheirTime(float bad)
    {
        float[] tone = Signals.Sine(440, 8000, 1.0);
        string path = temp.Write("bad.wav", Float32Wav(8000, i => i == 4000 ? bad : tone[i]));
        var e = Assert.Throws<AudioFormatException>(() => AudioReader.ReadAll(path));
        Assert.That(e!.Reason, Does.Contain("sample at 0.5 s is not a finite number"));
    }

    // Finite samples so large that the power spectrum overflows float (1e18 squared, summed over a
    // frame) used to fail in the features as "feature 0: mean NaN, std NaN"; they are refused where
    // they are read. Audio a thousand times full scale, and even at the bound of 1e12, is read and
    // gives finite features.
    [TestCase(1e18f, "1e+18")]
    [TestCase(-3e15f, "-3e+15")]
    [TestCase(2e12f, "2e+12")]
    public void FloatSamplesFarOutsideFullScaleAreRefusedWithTheirTime(float bad, string shown)
    {
        float[] tone = Signals.Sine(440, 8000, 1.0);
        string path = temp.Write("huge.wav", Float32Wav(8000, i => i == 4000 ? bad : tone[i]));
        var e = Assert.Throws<AudioFormatException>(() => AudioReader.ReadAll(path));
        Assert.That(e!.Reason, Is.EqualTo($"sample at 0.5 s is {shown}, far outside [-1, 1] " +
            "(past 1e+12 the features overflow): the audio is corrupt"));

        var features = new Pipelines.Speech.Model.AcousticFeatures { SampleRate = 8000 };
        foreach (float gain in new[] { 1000f, 1e12f })
        {
            string loud = temp.Write("loud.wav", Float32Wav(8000, i => tone[i] * gain));
            float[] read = AudioReader.ReadAll(loud);
            Assert.That(read, Is.EqualTo(tone.Select(x => x * gain).ToArray()), $"gain {gain}");
            var m = features.Compute(features.CreateExtractor(), read);
            Assert.That(m.Data.All(float.IsFinite), Is.True, $"features at gain {gain}");
        }
    }

    [Test]
    public void AHugeSampleInALaterBlockOfAStreamedFileIsRefusedAtItsTime()
    {
        // 3 s read in 0.5 s blocks: the blocks before the bad one are delivered, then the error
        // names the time in the whole file, not in the block.
        float[] tone = Signals.Sine(440, 8000, 3.0);
        string path = temp.Write("long.wav", Float32Wav(tone.Length, i => i == 20_000 ? 1e18f : tone[i]));
        using var reader = AudioReader.Open(path);
        int blocks = 0;
        var e = Assert.Throws<AudioFormatException>(() =>
        {
            foreach (float[] _ in reader.ReadBlocks(4000)) blocks++;
        });
        Assert.That(blocks, Is.EqualTo(5));
        Assert.That(e!.Reason, Does.StartWith("sample at 2.5 s is 1e+18, far outside [-1, 1]"));
    }

    // The check runs on the file's own samples: read at another rate (a 16 kHz file for an 8 kHz
    // model) or downmixed, a bad sample is still named with its own value and time, where the
    // resampler's filter turned +Inf into NaN and 1e18 at 0.5 s into 1.24e12 at 0.493 s.
    [TestCase(1, 1e18f, "1e+18, far outside [-1, 1]")]
    [TestCase(1, float.PositiveInfinity, "not a finite number (Infinity)")]
    [TestCase(2, float.NegativeInfinity, "not a finite number (-Infinity)")]
    public void A_bad_sample_is_named_as_the_file_holds_it_whatever_the_rate_read(int channels, float bad,
        string shown)
    {
        float[] tone = Signals.Sine(440, 16000, 1.0);
        var b = new WavBuilder { Tag = 3, Bits = 32, SampleRate = 16000, Channels = channels };
        byte[] wav = b.Build(WavBuilder.Encode(new float[tone.Length * channels], 3, 32));
        int data = Encoding.ASCII.GetString(wav).IndexOf("data", StringComparison.Ordinal) + 8;
        for (int i = 0; i < tone.Length * channels; i++)
        {
            int frame = i / channels;
            float x = frame == 8000 && i % channels == channels - 1 ? bad : tone[frame];
            BitConverter.TryWriteBytes(wav.AsSpan(data + 4 * i), x);
        }

        string path = temp.Write("at16k.wav", wav);
        var e = Assert.Throws<AudioFormatException>(() =>
            AudioReader.ReadAll(path, new AudioReadOptions { TargetSampleRate = 8000 }));

        Assert.That(e!.Reason, Does.StartWith($"sample at 0.5 s is {shown}"));
    }

    // A mono 32-bit float WAV at 8 kHz of `sample(i)`. WavBuilder clamps to [-1, 1], so the values
    // are written into its output directly.
    private static byte[] Float32Wav(int count, Func<int, float> sample)
    {
        byte[] wav = new WavBuilder { Tag = 3, Bits = 32, SampleRate = 8000 }
            .Build(WavBuilder.Encode(new float[count], 3, 32));
        int data = Encoding.ASCII.GetString(wav).IndexOf("data", StringComparison.Ordinal) + 8;
        for (int i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(wav.AsSpan(data + 4 * i), sample(i));
        }

        return wav;
    }

    [Test]
    public void StereoWithSpeechOnOneChannelOnlyKeepsItByMeanDownmix()
    {
        float[] voice = Signals.Sine(300, 16000, 0.25, 0.8), silence = new float[voice.Length];
        var b = new WavBuilder { Channels = 2, Tag = 3, Bits = 32 };
        byte[] data = WavBuilder.Encode(WavBuilder.Interleave(silence, voice), 3, 32);
        string path = temp.Write("right-only.wav", b.Build(data));
        float[] got = AudioReader.ReadAll(path);
        Assert.That(got, Is.EqualTo(voice.Select(v => v / 2).ToArray()).Within(1e-7));
    }

    [Test]
    public void AntiPhaseStereoTakesTheLouderChannelInsteadOfCancellingToSilence()
    {
        // A polarity-inverted channel: the mean is exactly zero, which must not become silence.
        float[] voice = Signals.Sine(300, 16000, 0.5, 0.6), inverted = voice.Select(v => -0.9f * v).ToArray();
        var b = new WavBuilder { Channels = 2, Tag = 3, Bits = 32 };
        byte[] samples = WavBuilder.Encode(WavBuilder.Interleave(voice, inverted), 3, 32);
        string path = temp.Write("anti-phase.wav", b.Build(samples));
        float[] got = AudioReader.ReadAll(path);
        Assert.That(got, Is.EqualTo(voice).Within(1e-7));
    }

    [Test]
    public void SixChannelsAreAveraged()
    {
        float[][] chans = Enumerable.Range(0, 6)
            .Select(c => Signals.Sine(100 * (c + 1), 16000, 0.1, 0.1 * c)).ToArray();
        var b = new WavBuilder { Channels = 6, Tag = 3, Bits = 32 };
        string path = temp.Write("six.wav", b.Build(WavBuilder.Encode(WavBuilder.Interleave(chans), 3, 32)));
        float[] got = AudioReader.ReadAll(path);
        float[] mean = Enumerable.Range(0, chans[0].Length).Select(i => chans.Sum(c => c[i]) / 6).ToArray();
        Assert.That(got, Is.EqualTo(mean).Within(1e-6));
    }

    [Test]
    public void ReadBlocksStreamsInFixedBlocksWithoutHoldingTheFile()
    {
        // 60 s at 16 kHz: 3.8 MB as floats. Reading it through one reused buffer must allocate
        // far less than that, which shows nothing holds the whole file.
        const int rate = 16000, seconds = 60;
        float[] tone = Signals.Sine(200, rate, seconds, 0.3);
        string path = temp.Write("minute.wav", new WavBuilder().Build(WavBuilder.Encode(tone, 1, 16)));
        using var reader = AudioReader.Open(path, new AudioReadOptions { TargetSampleRate = 8000 });
        var buffer = new float[4096];
        long total = 0, before = GC.GetAllocatedBytesForCurrentThread();
        int n;
        while ((n = reader.Read(buffer)) > 0) total += n;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(total, Is.EqualTo(seconds * 8000).Within(64));
        // Measured: about 170 KB (pooled and decoder buffers, made once), against the 3.8 MB the minute
        // takes as 16 kHz floats.
        Assert.That(allocated, Is.LessThan(512 * 1024), "bytes allocated while streaming a minute of audio");

        using var again = AudioReader.Open(path);
        List<float[]> blocks = again.ReadBlocks(10_000).ToList();
        Assert.That(blocks.Take(blocks.Count - 1).All(b => b.Length == 10_000), Is.True);
        Assert.That(blocks.Sum(b => (long)b.Length), Is.EqualTo(tone.Length));
    }

    private static IEnumerable<TestCaseData> BadFiles()
    {
        static byte[] Wav(WavBuilder b) => b.Build(new byte[64]);
        yield return new TestCaseData(Array.Empty<byte>(), "empty").SetName("EmptyFile");
        yield return new TestCaseData(new byte[] { 0x52, 0x49 }, "too short").SetName("TwoBytes");
        yield return new TestCaseData(Encoding.ASCII.GetBytes("RIFF\x24\0\0\0WA"), "truncated RIFF header")
            .SetName("TruncatedRiffHeader");
        yield return new TestCaseData(Wav(new WavBuilder()).Take(30).ToArray(), "declares 16 bytes")
            .SetName("TruncatedFmtChunk");
        yield return new TestCaseData(Encoding.ASCII.GetBytes("hello, this is a text file\n"), "not a WAV or MP3")
            .SetName("TextFile");
        yield return new TestCaseData(Wav(new WavBuilder { Channels = 0, BlockAlignOverride = 2 }), "0 channels")
            .SetName("ZeroChannels");
        yield return new TestCaseData(Wav(new WavBuilder { SampleRate = 0 }), "absurd sample rate 0 Hz")
            .SetName("ZeroSampleRate");
        yield return new TestCaseData(Wav(new WavBuilder { SampleRate = 1_000_000_000 }), "absurd sample rate")
            .SetName("HugeSampleRate");
        yield return new TestCaseData(Wav(new WavBuilder { Channels = 5000, BlockAlignOverride = 2 }), "5000 channels")
            .SetName("AbsurdChannels");
        yield return new TestCaseData(Wav(new WavBuilder { Bits = 12, BlockAlignOverride = 2 }), "12 bits")
            .SetName("AbsurdBits");
        yield return new TestCaseData(Wav(new WavBuilder { BlockAlignOverride = 7 }), "block align 7")
            .SetName("BlockAlignMismatch");
        yield return new TestCaseData(Wav(new WavBuilder { Tag = 2, Bits = 4, BlockAlignOverride = 256 }),
            "Microsoft ADPCM").SetName("UnsupportedCodec");
        byte[] hugeChunk = Wav(new WavBuilder());
        BitConverter.TryWriteBytes(hugeChunk.AsSpan(16), 0x7FFFFFF0u);
        yield return new TestCaseData(hugeChunk, "declares 2147483632 bytes").SetName("AbsurdFmtSize");
        byte[] noData = Wav(new WavBuilder()).Take(36).ToArray();
        yield return new TestCaseData(noData, "no 'data' chunk").SetName("NoDataChunk");
        yield return new TestCaseData(Encoding.ASCII.GetBytes("fLaC\0\0\0\x22 some flac"), "FLAC is not supported")
            .SetName("Flac");
        yield return new TestCaseData(Encoding.ASCII.GetBytes("OggS\0\x02 some ogg"), "Ogg").SetName("Ogg");
        yield return new TestCaseData(Encoding.ASCII.GetBytes("RIFF\x10\0\0\0AVI LIST"), "form type is 'AVI '")
            .SetName("RiffButNotWave");
        // An ID3v2 tag of 20 bytes that ends exactly at the end of the file: it is not past the end.
        byte[] tagOnly = new byte[30];
        Encoding.ASCII.GetBytes("ID3\x03\0\0\0\0\0\x14").CopyTo(tagOnly, 0);
        yield return new TestCaseData(tagOnly, "the ID3v2 tag at offset 0 runs to the end of the 30-byte file")
            .SetName("Id3TagAlone");
    }

    [TestCaseSource(nameof(BadFiles))]
    public void BadFileGivesOneLineNamingTheFileAndTheReason(byte[] bytes, string reason)
    {
        string path = temp.Write("bad.wav", bytes);
        var e = Assert.Throws<AudioFormatException>(() => AudioReader.Open(path))!;
        Assert.Multiple(() =>
        {
            Assert.That(e.Message, Does.StartWith($"'{path}': "));
            Assert.That(e.Reason, Does.Contain(reason).IgnoreCase);
            Assert.That(e.Message, Does.Not.Contain('\n'));
        });
    }

    [Test]
    public void MissingPathAndDirectoryAreAudioFormatErrors()
    {
        string missing = Path.Combine(temp.Folder, "nope.wav");
        Assert.That(() => AudioReader.Open(missing),
            Throws.TypeOf<AudioFormatException>().With.Message.EqualTo($"'{missing}': file not found"));
        Assert.That(() => AudioReader.Open(temp.Folder), Throws.TypeOf<AudioFormatException>()
            .With.Message.EqualTo($"'{temp.Folder}': is a directory, not an audio file"));
    }

    [Test]
    public void LinksThatCannotBeFollowedSayWhy()
    {
        string dangling = Path.Combine(temp.Folder, "dangling.wav");
        File.CreateSymbolicLink(dangling, "/nonexistent/x.wav");
        string loop = Path.Combine(temp.Folder, "loop.wav");
        File.CreateSymbolicLink(loop, loop);

        Assert.That(() => AudioReader.Open(dangling), Throws.TypeOf<AudioFormatException>().With.Message
            .EqualTo($"'{dangling}': a link to /nonexistent/x.wav, which does not exist"));
        Assert.That(() => AudioReader.Open(loop), Throws.TypeOf<AudioFormatException>().With.Message
            .EqualTo($"'{loop}': a link to {loop} that leads back to itself (a loop of links)"));
    }

    [Test]
    public void RealFsddRecordingReadsAtItsRate()
    {
        string path = TestData.Require("fsdd/0_george_0.wav");
        using var reader = AudioReader.Open(path);
        float[] x = reader.ReadToEnd();
        Assert.That(reader.SourceSampleRate, Is.EqualTo(8000));
        // Frame count of this file as Python's wave module reports it.
        Assert.That(x, Has.Length.EqualTo(2384));
        Assert.That(Signals.Rms(x), Is.InRange(0.01, 0.5));
    }
}
