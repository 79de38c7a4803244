using System.Globalization;

namespace Pipelines.Speech.Transcription;

/// <summary>
/// The characters of a transcript as a reader sees them: text elements (grapheme clusters), so an
/// emoji outside the Basic Multilingual Plane is one character, not two UTF-16 halves that mean
/// nothing alone, and "e" with a combining accent is one character, like the precomposed "é".
/// Character vocabularies, their training targets and character error rates all split here.
/// Limit: no Unicode normalisation (NFC) first. The projects build with InvariantGlobalization,
/// where .NET leaves non-ASCII text unnormalised, so "e" + U+0301 and "é" stay two tokens (each
/// whole); composing them needs ICU or a composition table of our own.
/// </summary>
public static class TranscriptText
{
    /// <summary>The text elements of <paramref name="text"/> in order, e.g. "🐕é" gives ["🐕", "é"].</summary>
    public static IReadOnlyList<string> Characters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<string>(text.Length);
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            result.Add(elements.GetTextElement());
        }

        return result;
    }
}
