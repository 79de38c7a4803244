using Pipelines.Speech.Decoding;

namespace Pipelines.Speech.Transcription;

/// <summary>Rewrites the English digit words "zero".."nine" of a transcript as "0".."9".</summary>
public static class DigitNumerals
{
    private static readonly string[] Words =
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    /// <summary>The numeral of <paramref name="word"/> when it is a digit word (any case), else the word.</summary>
    public static string Convert(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        int digit = Array.FindIndex(Words, w => string.Equals(w, word, StringComparison.OrdinalIgnoreCase));
        return digit < 0 ? word : digit.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The transcript with every digit word replaced; times and confidences are kept.</summary>
    public static Transcript Apply(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var segments = transcript.Segments.Select(s =>
        {
            var words = s.Words.Select(w => w with { Text = Convert(w.Text) }).ToArray();
            return s with { Words = words, Text = string.Join(" ", words.Select(w => w.Text)) };
        });
        return new Transcript(segments);
    }
}
