using System.Globalization;
using System.Text.RegularExpressions;
using Pipelines.Speech.Audio;
using Rnn.Core;

namespace Pipelines.Speech.Data;

/// <summary>
/// The Free Spoken Digit Dataset (Jackson et al., github.com/Jakobovski/free-spoken-digit-dataset,
/// CC BY-SA 4.0): 8 kHz mono WAVs named <c>{digit}_{speaker}_{index}.wav</c>. Lists the clips,
/// splits them (leave one speaker out; the standard split with recordings 0-4 as test), and
/// joins clips into connected-digit utterances with random gaps, levels and low noise.
/// </summary>
/// <example>
/// <code>
/// var fsdd = FsddDigits.Open("/work/shared/data/fsdd");
/// var (train, test) = FsddDigits.LeaveOneSpeakerOut(fsdd.Clips, "nicolas");
/// SpeechUtterance u = fsdd.JoinClips(train, new DigitSequenceOptions(), new Rng(1));
/// </code>
/// </example>
public sealed partial class FsddDigits
{
    /// <summary>Sample rate of every FSDD recording.</summary>
    public const int SampleRate = 8000;

    /// <summary>The digit words, index = digit.</summary>
    public static readonly IReadOnlyList<string> Words =
        new[] { "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine" };

    private readonly Dictionary<string, float[]> audio = new(StringComparer.Ordinal);
    private readonly object gate = new();

    private FsddDigits(string folder, IReadOnlyList<FsddClip> clips)
    {
        Folder = folder;
        Clips = clips;
    }

    /// <summary>The dataset folder.</summary>
    public string Folder { get; }

    /// <summary>Every clip, ordered by speaker, digit and index.</summary>
    public IReadOnlyList<FsddClip> Clips { get; }

    /// <summary>Speakers found, sorted.</summary>
    public IReadOnlyList<string> Speakers =>
        Clips.Select(c => c.Speaker).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>Lists the clips of <paramref name="folder"/>; files not named like FSDD clips are ignored.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">It holds no FSDD clip.</exception>
    public static FsddDigits Open(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"FSDD folder '{folder}' does not exist");
        }

        var clips = new List<FsddClip>();
        foreach (string path in Directory.EnumerateFiles(folder, "*.wav"))
        {
            var m = ClipName().Match(Path.GetFileName(path));
            if (m.Success)
            {
                clips.Add(new FsddClip(m.Groups[1].Value[0] - '0', m.Groups[2].Value,
                    int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), path));
            }
        }

        if (clips.Count == 0)
        {
            throw new InvalidDataException($"'{folder}' holds no FSDD clip named {{digit}}_{{speaker}}_{{index}}.wav");
        }

        var ordered = clips.OrderBy(c => c.Speaker, StringComparer.Ordinal).ThenBy(c => c.Digit).ThenBy(c => c.Index);
        return new FsddDigits(folder, ordered.ToArray());
    }

    /// <summary>Splits into every other speaker's clips (train) and <paramref name="speaker"/>'s (test).</summary>
    public static (IReadOnlyList<FsddClip> Train, IReadOnlyList<FsddClip> Test) LeaveOneSpeakerOut(
        IReadOnlyList<FsddClip> clips, string speaker)
    {
        var test = clips.Where(c => c.Speaker == speaker).ToArray();
        if (test.Length == 0)
        {
            string known = string.Join(", ", clips.Select(c => c.Speaker).Distinct());
            throw new ArgumentException($"speaker '{speaker}' has no clips; speakers are {known}");
        }

        return (clips.Where(c => c.Speaker != speaker).ToArray(), test);
    }

    /// <summary>The FSDD standard split: recordings 0-4 of each digit and speaker are test, the rest train.</summary>
    public static (IReadOnlyList<FsddClip> Train, IReadOnlyList<FsddClip> Test) StandardSplit(
        IReadOnlyList<FsddClip> clips) =>
        (clips.Where(c => c.Index >= 5).ToArray(), clips.Where(c => c.Index < 5).ToArray());

    /// <summary>The samples of a clip (read once, then cached; thread-safe).</summary>
    public float[] Samples(FsddClip clip)
    {
        lock (gate)
        {
            if (audio.TryGetValue(clip.Path, out var cached))
            {
                return cached;
            }
        }

        float[] samples = AudioReader.ReadAll(clip.Path, new AudioReadOptions { TargetSampleRate = SampleRate });
        lock (gate)
        {
            audio[clip.Path] = samples;
        }

        return samples;
    }

    /// <summary>One clip as an utterance, its transcript the digit word.</summary>
    public SpeechUtterance Single(FsddClip clip) => new(Samples(clip), SampleRate, Words[clip.Digit]);

    /// <summary>
    /// A connected-digit utterance: MinDigits..MaxDigits clips drawn from <paramref name="pool"/>,
    /// each scaled by a random gain, separated (and surrounded) by random gaps, over Gaussian
    /// noise of a random level. The same rng state gives the same utterance.
    /// </summary>
    public SpeechUtterance JoinClips(IReadOnlyList<FsddClip> pool, DigitSequenceOptions options, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(pool);
        options.Validate();
        if (pool.Count == 0)
        {
            throw new ArgumentException("the clip pool is empty");
        }

        int count = rng.NextInt(options.MinDigits, options.MaxDigits + 1);
        var picks = new FsddClip[count];
        for (int i = 0; i < count; i++)
        {
            picks[i] = pool[rng.NextInt(pool.Count)];
        }

        return Join(picks, options, rng);
    }

    /// <summary>Joins the given clips in order, with gaps, gains and noise drawn from <paramref name="rng"/>.</summary>
    public SpeechUtterance Join(IReadOnlyList<FsddClip> clips, DigitSequenceOptions options, Rng rng)
    {
        var pieces = new List<float[]>();
        var gaps = new int[clips.Count + 1];
        for (int i = 0; i <= clips.Count; i++)
        {
            gaps[i] = (int)(SampleRate * (options.MinGapSeconds +
                rng.NextDouble() * (options.MaxGapSeconds - options.MinGapSeconds)));
        }

        long total = gaps.Sum();
        foreach (var clip in clips)
        {
            float gain = (float)Math.Pow(10, (options.MinGainDb +
                rng.NextDouble() * (options.MaxGainDb - options.MinGainDb)) / 20);
            double speed = options.MinSpeed + rng.NextDouble() * (options.MaxSpeed - options.MinSpeed);
            float[] source = speed == 1 ? Samples(clip) : Resample(Samples(clip), speed);
            int from = 0, to = source.Length;
            if (options.MaxTrimSeconds > 0)
            {
                int most = Math.Min((int)(options.MaxTrimSeconds * SampleRate), source.Length / 4);
                from = (int)(rng.NextDouble() * most);
                to -= (int)(rng.NextDouble() * most);
            }

            var scaled = new float[to - from];
            for (int s = 0; s < scaled.Length; s++)
            {
                scaled[s] = Math.Clamp(source[from + s] * gain, -1f, 1f);
            }

            pieces.Add(scaled);
            total += scaled.Length;
        }

        var samples = new float[total];
        float noise = options.MaxNoiseStd * rng.NextFloat();
        for (int s = 0; s < samples.Length; s++)
        {
            samples[s] = noise * rng.Normal();
        }

        int at = gaps[0];
        for (int i = 0; i < pieces.Count; i++)
        {
            for (int s = 0; s < pieces[i].Length; s++)
            {
                samples[at + s] = Math.Clamp(samples[at + s] + pieces[i][s], -1f, 1f);
            }

            at += pieces[i].Length + gaps[i + 1];
        }

        return new SpeechUtterance(samples, SampleRate, string.Join(' ', clips.Select(c => Words[c.Digit])));
    }

    // Plays samples `speed` times faster by linear interpolation. Near 1 the interpolation's
    // mild low-pass is harmless next to the 8 kHz band limit of the data.
    private static float[] Resample(float[] samples, double speed)
    {
        var result = new float[Math.Max(1, (int)(samples.Length / speed))];
        for (int i = 0; i < result.Length; i++)
        {
            double at = i * speed;
            int j = (int)at;
            float frac = (float)(at - j);
            float a = samples[Math.Min(j, samples.Length - 1)], b = samples[Math.Min(j + 1, samples.Length - 1)];
            result[i] = a + frac * (b - a);
        }

        return result;
    }

    [GeneratedRegex(@"^([0-9])_([A-Za-z]+)_([0-9]+)\.wav$")]
    private static partial Regex ClipName();
}
