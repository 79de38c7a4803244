namespace Pipelines.Speech.Output;

/// <summary>Subtitle timestamps: HH:MM:SS,mmm (SRT) and HH:MM:SS.mmm (WebVTT).</summary>
public static class SubtitleTime
{
    /// <summary>Whole milliseconds of <paramref name="seconds"/>, rounded half away from zero; at least 0.</summary>
    public static long ToMilliseconds(double seconds) =>
        Math.Max(0, (long)Math.Round(seconds * 1000, MidpointRounding.AwayFromZero));

    /// <summary>Formats <paramref name="milliseconds"/>; hours take two digits or more.</summary>
    /// <param name="milliseconds">Time from the start of the file (at least 0).</param>
    /// <param name="fractionSeparator">',' for SRT, '.' for WebVTT.</param>
    public static string Format(long milliseconds, char fractionSeparator)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds);
        long hours = milliseconds / 3_600_000;
        long minutes = milliseconds / 60_000 % 60;
        long seconds = milliseconds / 1000 % 60;
        long millis = milliseconds % 1000;
        return FormattableString.Invariant($"{hours:D2}:{minutes:D2}:{seconds:D2}{fractionSeparator}{millis:D3}");
    }
}
