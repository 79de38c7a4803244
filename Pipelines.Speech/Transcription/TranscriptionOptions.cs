namespace Pipelines.Speech.Transcription;

/// <summary>How <see cref="SpeechTranscriber"/> decodes one file.</summary>
public sealed record TranscriptionOptions
{
    /// <summary>CTC prefix beam width; 0 or 1 decodes greedily (best class per frame).</summary>
    public int BeamWidth { get; init; }

    /// <summary>Write digit words as numerals ("seven" becomes "7") in the text and the words.</summary>
    public bool DigitsAsNumerals { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public void Validate()
    {
        if (BeamWidth < 0 || BeamWidth > 1024)
        {
            throw new ArgumentException($"beam width must be in [0, 1024]; got {BeamWidth}", nameof(BeamWidth));
        }
    }
}
