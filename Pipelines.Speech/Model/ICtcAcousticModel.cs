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

    /// <summary>
    /// Like <see cref="Infer(float[])"/>, told whether <paramref name="samples"/> begin where the
    /// recording begins (true) or are cut from inside it with real audio before them (false: a
    /// voice-activity segment after the first). A model may hear the two differently; by default
    /// it does not.
    /// </summary>
    AcousticOutput Infer(float[] samples, bool startsRecording) => Infer(samples);
}
