using System.Diagnostics;
using Pipelines.Speech.Data;

namespace Pipelines.Speech.Transcription;

/// <summary>
/// Transcribes every row of a <see cref="SpeechManifest"/> and scores the text against the
/// manifest's transcripts: WER, CER and the real-time factor.
/// </summary>
/// <example>
/// <code>
/// var scores = SpeechEvaluator.Evaluate(SpeechTranscriber.Load(dir), SpeechManifest.Read("test.tsv"));
/// Console.WriteLine($"WER {scores.WordErrorRate:P1}, RTF {scores.RealTimeFactor:F3}");
/// </code>
/// </example>
public static class SpeechEvaluator
{
    /// <summary>Scores <paramref name="transcriber"/> on <paramref name="entries"/>.</summary>
    /// <param name="transcriber">The loaded model.</param>
    /// <param name="entries">Audio files and what is said in them.</param>
    /// <param name="options">Decoder settings; greedy when null.</param>
    /// <param name="progress">Called with the number of utterances done after each one.</param>
    /// <exception cref="Audio.AudioFormatException">An audio file cannot be read.</exception>
    public static SpeechEvaluation Evaluate(SpeechTranscriber transcriber, IReadOnlyList<ManifestEntry> entries,
        TranscriptionOptions? options = null, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(transcriber);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            throw new ArgumentException("no utterances to evaluate", nameof(entries));
        }

        var hypotheses = new List<string>(entries.Count);
        double audio = 0;
        var clock = Stopwatch.StartNew();
        foreach (var entry in entries)
        {
            var result = transcriber.Transcribe(entry.AudioPath, options);
            hypotheses.Add(result.Transcript.Text);
            audio += result.Duration;
            progress?.Invoke(hypotheses.Count);
        }

        double seconds = clock.Elapsed.TotalSeconds;
        var references = entries.Select(e => e.Transcript).ToArray();
        return new SpeechEvaluation(
            ErrorRates.Words(hypotheses, references), ErrorRates.Characters(hypotheses, references),
            audio > 0 ? seconds / audio : 0, entries.Count, audio, seconds);
    }
}
