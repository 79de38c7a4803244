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
        TranscriptionOptions? options = null, Action<int>? progress = null) =>
        Evaluate(transcriber, entries, options, progress, onFailure: null);

    /// <summary>
    /// Scores <paramref name="transcriber"/> on <paramref name="entries"/>, going on past files that
    /// cannot be transcribed when <paramref name="onFailure"/> is given: each is passed to it and left
    /// out of the scores (counted in <see cref="SpeechEvaluation.Failed"/>).
    /// </summary>
    /// <param name="transcriber">The loaded model.</param>
    /// <param name="entries">Audio files and what is said in them (a transcript may be empty).</param>
    /// <param name="options">Decoder settings; greedy when null.</param>
    /// <param name="progress">Called with the number of utterances done (scored or failed) after each one.</param>
    /// <param name="onFailure">Receives each row that failed and why; null to throw at the first.</param>
    /// <exception cref="InvalidDataException">Every row failed, so nothing can be scored.</exception>
    public static SpeechEvaluation Evaluate(SpeechTranscriber transcriber, IReadOnlyList<ManifestEntry> entries,
        TranscriptionOptions? options, Action<int>? progress, Action<ManifestEntry, Exception>? onFailure)
    {
        ArgumentNullException.ThrowIfNull(transcriber);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            throw new ArgumentException("no utterances to evaluate", nameof(entries));
        }

        var hypotheses = new List<string>(entries.Count);
        var references = new List<string>(entries.Count);
        double audio = 0;
        int done = 0;
        var clock = Stopwatch.StartNew();
        foreach (var entry in entries)
        {
            try
            {
                var result = transcriber.Transcribe(entry.AudioPath, options);
                hypotheses.Add(result.Transcript.Text);
                references.Add(entry.Transcript);
                audio += result.Duration;
            }
            catch (Exception e) when (onFailure is not null && e is not OperationCanceledException)
            {
                onFailure(entry, e);
            }

            progress?.Invoke(++done);
        }

        double seconds = clock.Elapsed.TotalSeconds;
        if (hypotheses.Count == 0)
        {
            throw new InvalidDataException($"none of the {entries.Count} utterances could be transcribed");
        }

        return new SpeechEvaluation(
            ErrorRates.Words(hypotheses, references), ErrorRates.Characters(hypotheses, references),
            audio > 0 ? seconds / audio : null, hypotheses.Count, audio, seconds)
        {
            Failed = entries.Count - hypotheses.Count,
        };
    }
}
