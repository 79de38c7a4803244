namespace Pipelines.Speech.Audio;

/// <summary>How <see cref="AudioReader"/> delivers samples.</summary>
public sealed class AudioReadOptions
{
    /// <summary>
    /// Output rate in Hz; the audio is resampled to it with a band-limited (windowed sinc)
    /// resampler. Null keeps the file's own rate.
    /// </summary>
    public int? TargetSampleRate { get; init; }

    /// <summary>
    /// Called once for each recoverable problem (for example a data chunk that says size 0 but
    /// has audio after it). The warnings are also kept in <see cref="AudioReader.Warnings"/>.
    /// </summary>
    public Action<string>? OnWarning { get; init; }

    /// <summary>Lowest sample rate accepted from a file header, in Hz.</summary>
    public int MinSampleRate { get; init; } = 1_000;

    /// <summary>Highest sample rate accepted from a file header, in Hz.</summary>
    public int MaxSampleRate { get; init; } = 768_000;

    /// <summary>Most channels accepted from a file header.</summary>
    public int MaxChannels { get; init; } = 64;
}
