namespace Pipelines.Speech.Data;

/// <summary>Mono audio with its transcript, ready for feature extraction.</summary>
/// <param name="Samples">Mono samples in [-1, 1].</param>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="Transcript">Words separated by single spaces (e.g. "four two").</param>
public sealed record SpeechUtterance(float[] Samples, int SampleRate, string Transcript)
{
    /// <summary>Duration in seconds.</summary>
    public double Seconds => (double)Samples.Length / SampleRate;
}
