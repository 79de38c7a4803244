using System.Globalization;
using System.Numerics.Tensors;
using NAudio.Wave;
using Rnn.Core.Serialization;

namespace Pipelines.Speech.Audio;

/// <summary>
/// Streams an audio file as mono float samples at a chosen rate, a block at a time, so an hour
/// of audio is never held whole. WAV (PCM 8/16/24/32-bit, IEEE float 32/64, A-law, mu-law,
/// WAVE_FORMAT_EXTENSIBLE, RF64) and MP3 (MPEG-1/2 through NLayer) are read; FLAC, Ogg and
/// MPEG-2.5 are refused with a clear message. Every failure is an
/// <see cref="AudioFormatException"/> naming the file and the reason.
/// </summary>
/// <example>
/// <code>
/// using var reader = AudioReader.Open("talk.wav", new AudioReadOptions { TargetSampleRate = 16000 });
/// foreach (float[] block in reader.ReadBlocks(16000)) vad.Feed(block);
/// </code>
/// </example>
public sealed class AudioReader : IDisposable
{
    private readonly Stream file;
    private readonly ISampleProvider output;
    private readonly IDisposable? decoder;
    private readonly List<string> warnings;
    private bool ended;

    private AudioReader(string path, Stream file, ISampleProvider source, IDisposable? decoder,
        AudioContainer container, string format, long? sourceFrames, List<string> warnings,
        AudioReadOptions options)
    {
        Path = path;
        this.file = file;
        this.decoder = decoder;
        this.warnings = warnings;
        Container = container;
        SourceFormat = format;
        SourceSampleRate = source.WaveFormat.SampleRate;
        SourceChannels = source.WaveFormat.Channels;
        SourceDuration = sourceFrames is { } n ? TimeSpan.FromSeconds((double)n / SourceSampleRate) : null;

        // Samples are checked as the file holds them, before downmixing and resampling, which would
        // spread one bad sample over its neighbours: +Inf came out as NaN, and 1e18 at 0.5 s of a
        // 16 kHz file as 1.24e12 at 0.493 s of the 8 kHz stream.
        source = new CheckedSamples(this, source);
        ISampleProvider mono = SourceChannels == 1 ? source : new MonoDownmixSampleProvider(source);
        SampleRate = options.TargetSampleRate ?? SourceSampleRate;
        output = SampleRate == SourceSampleRate ? mono : new SincResamplingSampleProvider(mono, SampleRate);
    }

    /// <summary>The file being read.</summary>
    public string Path { get; }

    /// <summary>WAV or MP3.</summary>
    public AudioContainer Container { get; }

    /// <summary>The stored format, e.g. "PCM 24-bit" or "MPEG-1 Layer III, 44100 Hz".</summary>
    public string SourceFormat { get; }

    /// <summary>Sample rate of the file, in Hz.</summary>
    public int SourceSampleRate { get; }

    /// <summary>Channel count of the file (the output is always mono).</summary>
    public int SourceChannels { get; }

    /// <summary>Exact duration for WAV (from the bytes present); null for MP3, where it is only
    /// known after decoding.</summary>
    public TimeSpan? SourceDuration { get; }

    /// <summary>Rate of the samples <see cref="Read"/> returns, in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Mono samples delivered so far.</summary>
    public long SamplesRead { get; private set; }

    /// <summary>Recoverable problems met so far (also passed to <see cref="AudioReadOptions.OnWarning"/>).</summary>
    public IReadOnlyList<string> Warnings => warnings;

    /// <summary>
    /// Opens <paramref name="path"/> and reads its header. Throws <see cref="AudioFormatException"/>
    /// for a missing path, a directory, an empty, truncated or non-audio file, or an absurd header.
    /// </summary>
    /// <param name="path">A WAV or MP3 file.</param>
    /// <param name="options">Output rate and limits; null for the defaults (the file's own rate).</param>
    public static AudioReader Open(string path, AudioReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new AudioReadOptions();
        if (options.TargetSampleRate is { } target && (target < 1000 || target > options.MaxSampleRate))
            throw new ArgumentOutOfRangeException(nameof(options), target, "target sample rate out of range");

        Stream file = OpenFile(path);
        try
        {
            AudioReader reader = OpenDecoder(path, file, options);
            foreach (string w in reader.warnings) options.OnWarning?.Invoke($"'{path}': {w}");
            return reader;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads a whole (short) file into one mono array at the requested rate.</summary>
    /// <param name="path">A WAV or MP3 file.</param>
    /// <param name="options">Output rate and limits; null for the defaults.</param>
    public static float[] ReadAll(string path, AudioReadOptions? options = null)
    {
        using AudioReader reader = Open(path, options);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Fills <paramref name="buffer"/> with the next mono samples; returns how many were written,
    /// fewer than the buffer only at the end of the audio, 0 after it.
    /// </summary>
    public int Read(Span<float> buffer)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length && !ended)
            {
                int n = output.Read(buffer[total..]);
                if (n == 0) ended = true;
                total += n;
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException
                                      or ArgumentException or IndexOutOfRangeException)
        {
            throw new AudioFormatException(Path, $"decoding failed after {SamplesRead} samples: {e.Message}", e);
        }
        SamplesRead += total;
        return total;
    }

    // Largest sample magnitude read. The features sum squared magnitudes: a power-spectrum bin of an
    // n-sample frame is at most (n * peak)^2, and a mel band (weights at most 1) at most the whole
    // spectrum, which Parseval bounds by fft * n * peak^2 <= 2 (n * peak)^2. Float overflows past
    // 3.4e38, so a peak of 1e12 (240 dB above full scale, ~500 times the int32 range that unscaled
    // float exports can reach) keeps frames of up to 1.3e7 samples finite, while audio even
    // thousands of times full scale is still read.
    private const float MaxSampleMagnitude = 1e12f;

    // A float WAV can hold NaN, infinite or absurdly large (1e18) samples; they would reach the
    // features as NaN and fail far from the cause ("feature 0: mean NaN"), so they are refused here
    // with where they are. One vectorised pass finds the largest magnitude (NaN if there is a NaN);
    // only a block that fails is searched. The block is interleaved source samples from sample
    // `first` of the file on.
    private void CheckSamples(ReadOnlySpan<float> block, long first)
    {
        if (block.IsEmpty || Math.Abs(TensorPrimitives.MaxMagnitude(block)) <= MaxSampleMagnitude)
        {
            return;
        }

        for (int i = 0; i < block.Length; i++)
        {
            float x = block[i];
            if (Math.Abs(x) <= MaxSampleMagnitude)
            {
                continue;
            }

            double seconds = (first + i) / SourceChannels / (double)SourceSampleRate;
            string what = float.IsFinite(x)
                ? string.Create(CultureInfo.InvariantCulture,
                    $"{x:g3}, far outside [-1, 1] (past {MaxSampleMagnitude:g0} the features overflow)")
                : string.Create(CultureInfo.InvariantCulture, $"not a finite number ({x})");
            throw new AudioFormatException(Path, string.Create(CultureInfo.InvariantCulture,
                $"sample at {seconds:0.###} s is {what}: the audio is corrupt"));
        }
    }

    // The source as read, every block checked by CheckSamples on its way through.
    private sealed class CheckedSamples(AudioReader owner, ISampleProvider source) : ISampleProvider
    {
        private long delivered;   // interleaved samples so far

        public WaveFormat WaveFormat => source.WaveFormat;

        public int Read(Span<float> buffer)
        {
            int n = source.Read(buffer);
            owner.CheckSamples(buffer[..n], delivered);
            delivered += n;
            return n;
        }
    }

    /// <summary>
    /// Yields the audio as consecutive mono blocks of <paramref name="blockSize"/> samples (the
    /// last one shorter). Each block is a fresh array, so callers may keep it.
    /// </summary>
    public IEnumerable<float[]> ReadBlocks(int blockSize = 16_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        while (true)
        {
            var block = new float[blockSize];
            int n = Read(block);
            if (n == 0) yield break;
            yield return n == blockSize ? block : block[..n];
        }
    }

    /// <summary>Reads everything that is left into one array.</summary>
    public float[] ReadToEnd()
    {
        var all = new List<float>();
        foreach (float[] block in ReadBlocks()) all.AddRange(block);
        return all.ToArray();
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        decoder?.Dispose();
        file.Dispose();
    }

    private static Stream OpenFile(string path)
    {
        if (path.Length == 0) throw new AudioFormatException(path, "empty path");
        if (Directory.Exists(path)) throw new AudioFormatException(path, "is a directory, not an audio file");
        if (!File.Exists(path)) throw new AudioFormatException(path, "file not found");
        if (FileKind.NotRegular(path) is { } kind) throw new AudioFormatException(path, kind);   // a FIFO would block
        if (UnfollowableLink(path) is { } link) throw new AudioFormatException(path, link);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioFormatException(path, $"cannot open: {e.Message}", e);
        }
    }

    // Why a symbolic link cannot be followed (opening it says "Could not find file" or "Too many
    // levels of symbolic links" in .NET's words); null otherwise.
    private static string? UnfollowableLink(string path) => FileKind.BrokenLink(path) switch
    {
        { Loops: true } link => $"a link to {link.Target} that leads back to itself (a loop of links)",
        { } link => $"a link to {link.Target}, which does not exist",
        null => null,
    };

    private static AudioReader OpenDecoder(string path, Stream file, AudioReadOptions options)
    {
        Span<byte> magic = stackalloc byte[4];
        int got = file.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (got == 0) throw new AudioFormatException(path, "file is empty (0 bytes)");
        if (got < 4)
        {
            throw new AudioFormatException(path,
                $"file is only {got} byte{(got == 1 ? "" : "s")}: too short for any audio header");
        }

        string tag = System.Text.Encoding.ASCII.GetString(magic);
        if (tag is "RIFF" or "RF64") return OpenWav(path, file, options);
        if (tag == "fLaC")
            throw new AudioFormatException(path, "FLAC is not supported (no well-kept managed FLAC decoder is " +
                "available to this project); convert it to WAV");
        if (tag == "OggS")
            throw new AudioFormatException(path, "Ogg (Vorbis/Opus) is not supported; convert it to WAV");
        if (tag.StartsWith("ID3", StringComparison.Ordinal) || (magic[0] == 0xFF && (magic[1] & 0xE0) == 0xE0))
            return OpenMp3(path, file, options);
        throw new AudioFormatException(path, $"not a WAV or MP3 file (starts with bytes {WavParser.Hex(magic)})");
    }

    private static AudioReader OpenWav(string path, Stream file, AudioReadOptions options)
    {
        WavLayout layout = WavParser.Parse(file, path, options);
        var data = new SubStream(file, layout.DataOffset, layout.DataLength);
        ISampleProvider source = layout.Encoding switch
        {
            SampleEncoding.Pcm => new RawSourceWaveStream(data,
                new WaveFormat(layout.SampleRate, layout.BitsPerSample, layout.Channels)).ToSampleProvider(),
            SampleEncoding.IeeeFloat when layout.BitsPerSample == 32 => new RawSourceWaveStream(data,
                WaveFormat.CreateIeeeFloatWaveFormat(layout.SampleRate, layout.Channels)).ToSampleProvider(),
            _ => new ManagedSampleProvider(data, layout),
        };
        return new AudioReader(path, file, source, null, AudioContainer.Wav, layout.Description, layout.Frames,
            layout.Warnings.ToList(), options);
    }

    private static AudioReader OpenMp3(string path, Stream file, AudioReadOptions options)
    {
        Mp3SampleProvider mp3 = Mp3SampleProvider.Open(file, path);
        ValidateRate(path, mp3.WaveFormat.SampleRate, options);
        List<string> warnings = mp3.Truncation is { } cut ? [cut] : [];
        return new AudioReader(path, file, mp3, mp3, AudioContainer.Mp3, mp3.FirstFrame.Description, null, warnings,
            options);
    }

    private static void ValidateRate(string path, int rate, AudioReadOptions options)
    {
        if (rate < options.MinSampleRate || rate > options.MaxSampleRate)
            throw new AudioFormatException(path, $"sample rate {rate} Hz is outside the accepted " +
                $"{options.MinSampleRate}..{options.MaxSampleRate} Hz");
    }
}
