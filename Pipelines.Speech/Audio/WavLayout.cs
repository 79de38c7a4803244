namespace Pipelines.Speech.Audio;

/// <summary>What <see cref="WavParser"/> found in a RIFF/WAVE file: the format and where the
/// sample bytes really are.</summary>
internal sealed record WavLayout(
    SampleEncoding Encoding,
    int Channels,
    int SampleRate,
    int BitsPerSample,
    int BlockAlign,
    long DataOffset,
    long DataLength,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Whole sample frames (one sample per channel) in the data region.</summary>
    public long Frames => DataLength / BlockAlign;

    /// <summary>A short human description, e.g. "PCM 16-bit".</summary>
    public string Description => Encoding switch
    {
        SampleEncoding.Pcm => $"PCM {BitsPerSample}-bit",
        SampleEncoding.IeeeFloat => $"IEEE float {BitsPerSample}-bit",
        SampleEncoding.ALaw => "G.711 A-law",
        _ => "G.711 mu-law",
    };
}
