using System.Globalization;
using Rnn.Core;

namespace Pipelines.Speech.Data;

/// <summary>
/// Synthetic training speakers from the more natural synthesisers of Debian, flite and
/// festival (recorded human voices: kal, awb, rms, slt, ked, ...), next to the formant voices of
/// <see cref="EspeakDigits"/>. Each speaker is one installed base voice moved by sox to its own
/// pitch (-500..+400 cents, which also moves the formants, like a shorter or longer vocal
/// tract) and tempo (0.85-1.2), saying every digit word with a little variation on each take.
/// The clips go into an FSDD-style folder (<c>{digit}_{speaker}_{take}.wav</c>, 16 kHz) that
/// <see cref="FsddDigits.Open"/> reads like the real one.
/// Needs <c>sox</c> and <c>flite</c> or <c>festival</c> at training time only.
/// </summary>
/// <example>
/// <code>
/// var tts = NaturalTtsDigits.Synthesize("out/tts-digits", speakers: 40, takes: 2, seed: 7);
/// Console.WriteLine(string.Join(", ", tts.Speakers)); // ttsaa, ttsab, ...
/// </code>
/// </example>
public static class NaturalTtsDigits
{
    /// <summary>Range of the speaker-wide pitch shift, in cents.</summary>
    public const int MinPitchCents = -500, MaxPitchCents = 400;

    /// <summary>Range of the speaker-wide tempo factor.</summary>
    public const double MinTempo = 0.85, MaxTempo = 1.2;

    /// <summary>Largest change of pitch, in cents, a single take makes to its speaker's.</summary>
    public const int TakePitchCents = 40;

    /// <summary>Largest change of tempo a single take makes to its speaker's.</summary>
    public const double TakeTempo = 0.05;

    /// <summary>Sample rate of the written clips (FsddDigits resamples to 8 kHz when reading).</summary>
    public const int WrittenSampleRate = 16000;

    /// <summary>
    /// The list of speakers written next to the clips: one <see cref="TtsSpeaker.Describe"/> line each.
    /// </summary>
    public const string SpeakerList = "tts-speakers.tsv";

    /// <summary>
    /// Writes <paramref name="speakers"/> synthetic speakers, each saying every digit
    /// <paramref name="takes"/> times, into <paramref name="folder"/>, from the voices
    /// <see cref="TtsVoice.Installed"/> finds (or <paramref name="voices"/>). Existing clips are
    /// kept, so a rerun only adds what is missing; each file appears whole (written to a temporary
    /// name, then renamed). The same seed and voices give the same speakers.
    /// </summary>
    /// <returns>The folder's clips, opened with <see cref="FsddDigits.Open"/>.</returns>
    /// <exception cref="InvalidOperationException">
    /// No voice is installed; sox is missing; a program fails; or the folder's speaker list says its
    /// clips were made with other voices or another seed (use another folder).
    /// </exception>
    public static FsddDigits Synthesize(
        string folder, int speakers, int takes, ulong seed, IReadOnlyList<TtsVoice>? voices = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speakers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(takes);
        voices ??= TtsVoice.Installed();
        if (voices.Count == 0)
        {
            throw new InvalidOperationException(
                "no flite or festival English voice is installed; apt-get install flite (voices " +
                "kal, kal16, awb, rms, slt) and/or festival festvox-kallpc16k festvox-kdlpc16k " +
                "festvox-us-slt-hts");
        }

        var plan = Plan(voices, speakers, takes, seed);
        Directory.CreateDirectory(folder);
        UpdateSpeakerList(folder, plan);
        var missing = plan
            .SelectMany(s => s.Takes.Select(t => (Speaker: s, Take: t, Path: ClipPath(folder, s, t))))
            .Where(c => !File.Exists(c.Path))
            .ToList();
        if (missing.Count > 0)
        {
            ExternalTool.Run("sox", new[] { "--version" }, "sox");
            WriteClips(missing);
        }

        return FsddDigits.Open(folder);
    }

    /// <summary>
    /// The speakers <see cref="Synthesize"/> makes, without making them. Voices are dealt in turn
    /// (from a seeded start, over <paramref name="voices"/> sorted by id) so each is used about
    /// equally; pitch and tempo are uniform in their ranges. Speaker <c>s</c> and take <c>t</c> do
    /// not depend on how many speakers or takes are asked for, so a larger rerun extends a folder.
    /// </summary>
    public static IReadOnlyList<TtsSpeaker> Plan(
        IReadOnlyList<TtsVoice> voices, int speakers, int takes, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(voices.Count);
        var sorted = voices.Distinct().OrderBy(v => v.Id, StringComparer.Ordinal).ToArray();
        var rng = new Rng(seed);
        int first = rng.NextInt(sorted.Length);
        var plan = new TtsSpeaker[speakers];
        for (int s = 0; s < speakers; s++)
        {
            var own = rng.Fork();
            int pitch = own.NextInt(MinPitchCents, MaxPitchCents + 1);
            double tempo = Math.Round(MinTempo + own.NextDouble() * (MaxTempo - MinTempo), 3);
            var clips = new List<TtsTake>();
            for (int t = 0; t < takes; t++)
            {
                for (int digit = 0; digit < FsddDigits.Words.Count; digit++)
                {
                    int takePitch = pitch + own.NextInt(-TakePitchCents, TakePitchCents + 1);
                    double takeTempo = Math.Round(tempo + (own.NextDouble() * 2 - 1) * TakeTempo, 3);
                    clips.Add(new TtsTake(t, digit, takePitch, takeTempo));
                }
            }

            var voice = sorted[(first + s) % sorted.Length];
            plan[s] = new TtsSpeaker(SpeakerName(s), voice, pitch, tempo, clips);
        }

        return plan;
    }

    /// <summary>
    /// Letters-only speaker name of synthetic speaker <paramref name="index"/> ("ttsaa", "ttsab",
    /// ... "ttszz"; 676 at most).
    /// </summary>
    public static string SpeakerName(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, 26 * 26);
        return "tts" + (char)('a' + index / 26) + (char)('a' + index % 26);
    }

    private static string ClipPath(string folder, TtsSpeaker speaker, TtsTake take) =>
        Path.Combine(folder, $"{take.Digit}_{speaker.Name}_{take.Take}.wav");

    // A voice says a word the same way every time, so each (voice, digit) is synthesised once
    // into a scratch folder and every speaker of that voice reshapes the same recording.
    // Limit: takes therefore differ only in pitch, tempo and trimming, not in intonation.
    private static void WriteClips(IReadOnlyList<(TtsSpeaker Speaker, TtsTake Take, string Path)> clips)
    {
        string scratch = Path.Combine(Path.GetTempPath(), "tts-digits-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            var spoken = new Dictionary<(string, int), string>();
            foreach (var (speaker, take, path) in clips)
            {
                var key = (speaker.Voice.Id, take.Digit);
                if (!spoken.TryGetValue(key, out string? raw))
                {
                    raw = Path.Combine(scratch, $"{spoken.Count}.wav");
                    speaker.Voice.Speak(FsddDigits.Words[take.Digit], raw);
                    spoken[key] = raw;
                }

                Reshape(raw, take, path, speaker.Voice);
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    // Peak-normalise, shift pitch (in cents) and tempo (WSOLA tuned for speech), trim the
    // synthesiser's leading and trailing silence as FSDD's clips are trimmed, pad 30 ms, and write
    // 16-bit mono at 16 kHz with the peak at -3 dB (FsddDigits.Join sets the level later).
    // The trim threshold, -54 dBFS held 30 ms (48 dB under the -6 dB peak), keeps weak fricatives:
    // the /th/ of "three" sits 40-48 dB under the vowel, and a -45 dBFS threshold cut it (up to
    // 0.29 s lost), while the voices' noise floors lie 55-80 dB under the peak.
    private static void Reshape(string raw, TtsTake take, string path, TtsVoice voice)
    {
        string temp = path + ".tmp";
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        ExternalTool.Run("sox", new[]
        {
            raw, "-r", F(WrittenSampleRate), "-b", "16", "-c", "1", "-t", "wav", temp,
            "norm", "-6", "pitch", F(take.PitchCents), "tempo", "-s", F(take.Tempo),
            "silence", "1", "0.03", "-54d", "reverse", "silence", "1", "0.03", "-54d", "reverse",
            "pad", "0.03", "0.03", "rate", F(WrittenSampleRate), "norm", "-3",
        }, "sox");

        // 0.1 s of 16-bit samples after the 44-byte header: anything shorter is a failed synthesis.
        long least = 44 + WrittenSampleRate / 10 * 2;
        long length = new FileInfo(temp).Length;
        if (length < least)
        {
            File.Delete(temp);
            throw new InvalidOperationException(
                $"{voice.Id} saying '{FsddDigits.Words[take.Digit]}' left {length} bytes after trimming " +
                $"silence (expected at least {least}); the synthesiser produced (almost) nothing");
        }

        File.Move(temp, path, overwrite: true);
    }

    // Keeps SpeakerList in step with the plan: a speaker already listed with other settings means
    // the folder was made with other voices or another seed, and mixing would give one name two voices.
    private static void UpdateSpeakerList(string folder, IReadOnlyList<TtsSpeaker> plan)
    {
        string path = Path.Combine(folder, SpeakerList);
        var lines = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            foreach (string line in File.ReadLines(path).Where(l => l.Length > 0 && l[0] != '#'))
            {
                lines[line.Split('\t')[0]] = line;
            }
        }

        foreach (var speaker in plan)
        {
            string line = speaker.Describe();
            if (lines.TryGetValue(speaker.Name, out string? old) && old != line)
            {
                throw new InvalidOperationException(
                    $"'{path}' lists {speaker.Name} as '{old.Replace('\t', ' ')}' but these voices " +
                    $"and this seed make it '{line.Replace('\t', ' ')}' (were other voices installed?); " +
                    "write to another folder or delete this one");
            }

            lines[speaker.Name] = line;
        }

        string temp = path + ".tmp";
        File.WriteAllLines(temp, lines.Values.Prepend("# speaker\tvoice\tpitch_cents\ttempo"));
        File.Move(temp, path, overwrite: true);
    }
}
