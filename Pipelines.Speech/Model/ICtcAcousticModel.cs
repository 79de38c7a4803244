namespace Pipelines.Speech.Model;

/// <summary>
/// What <see cref="Transcription.SpeechTranscriber"/> needs from an acoustic model: the rate it
/// hears, its CTC vocabulary, and per-frame log-probabilities of mono audio. Implemented by this
/// project's <see cref="AcousticModel"/> (through <see cref="NativeCtcModel"/>) and by ONNX models
/// (<see cref="OnnxCtcModel"/>), so both go through the same VAD, decoders and writers.
/// </summary>
public interface ICtcAcousticModel
{
    /// <summary>Sample rate the audio must be at, in Hz.</summary>
    int SampleRate { get; }

    /// <summary>The output classes: tokens, blank index, word separator.</summary>
    AcousticVocabulary Vocabulary { get; }

    /// <summary>
    /// Log-probabilities [time', vocab] of mono <paramref name="samples"/> at <see cref="SampleRate"/>
    /// (the model's own features are computed here). Safe to call from several threads.
    /// </summary>
    AcousticOutput Infer(float[] samples);
}
