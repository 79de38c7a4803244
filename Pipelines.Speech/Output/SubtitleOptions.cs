namespace Pipelines.Speech.Output;

/// <summary>How speech segments are cut into subtitle cues.</summary>
public sealed record SubtitleOptions
{
    /// <summary>Longest time a cue's words may span, in seconds (7 by default).</summary>
    public double MaxCueSeconds { get; init; } = 7;

    /// <summary>Most characters on one line (42 by default, the common broadcast limit).</summary>
    public int MaxLineLength { get; init; } = 42;

    /// <summary>Most lines in one cue (2 by default).</summary>
    public int MaxLines { get; init; } = 2;

    /// <summary>Throws unless every limit is positive.</summary>
    public void Validate()
    {
        if (!(MaxCueSeconds > 0) || MaxLineLength < 1 || MaxLines < 1)
        {
            throw new ArgumentException(
                $"subtitle limits must be positive; got {MaxCueSeconds} s, {MaxLineLength} chars, {MaxLines} lines");
        }
    }
}
