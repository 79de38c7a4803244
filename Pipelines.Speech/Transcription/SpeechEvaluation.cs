namespace Pipelines.Speech.Transcription;

/// <summary>Scores of a model over a manifest (see <see cref="SpeechEvaluator"/>).</summary>
/// <param name="WordErrorRate">Word edits over reference words, after normalising case and whitespace.</param>
/// <param name="CharacterErrorRate">Character edits over reference characters (spaces included).</param>
/// <param name="RealTimeFactor">Seconds spent transcribing over seconds of audio (below 1 is faster than
/// real time); model loading is not counted. Null when the audio has no duration to divide by.</param>
/// <param name="Utterances">Rows of the manifest scored.</param>
/// <param name="AudioSeconds">Total audio duration.</param>
/// <param name="ProcessingSeconds">Total time spent transcribing.</param>
public sealed record SpeechEvaluation(
    double WordErrorRate, double CharacterErrorRate, double? RealTimeFactor, int Utterances,
    double AudioSeconds, double ProcessingSeconds)
{
    /// <summary>Rows left out of the scores because their audio could not be transcribed.</summary>
    public int Failed { get; init; }
}
