namespace Pipelines.Speech.Audio;

/// <summary>How one sample is stored in a WAV data chunk.</summary>
public enum SampleEncoding
{
    /// <summary>Linear PCM: 8-bit unsigned, or 16/24/32-bit signed little-endian.</summary>
    Pcm,

    /// <summary>IEEE 754 float, 32 or 64 bits.</summary>
    IeeeFloat,

    /// <summary>G.711 A-law, 8 bits (format tag 6).</summary>
    ALaw,

    /// <summary>G.711 mu-law, 8 bits (format tag 7).</summary>
    MuLaw,
}
