using Pipelines.Speech.Features;
using Pipelines.Speech.Transcription;

namespace Pipelines.Speech.Model;

/// <summary>
/// The output tokens of a CTC acoustic model: index i of the logits is <see cref="Tokens"/>[i],
/// one of which is the blank. With a <see cref="WordSeparator"/> the tokens are sub-word units
/// (characters) and that token ends a word; without one every token is a whole word.
/// </summary>
public sealed record AcousticVocabulary
{
    /// <summary>Creates the vocabulary; throws when the blank index or separator does not fit.</summary>
    public AcousticVocabulary(IReadOnlyList<string> tokens, int blankIndex = 0, string? wordSeparator = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        Validate(tokens, blankIndex, wordSeparator, Plain);
        Tokens = tokens.ToArray();
        BlankIndex = blankIndex;
        WordSeparator = wordSeparator;
    }

    // A character that would end a line of output, or a subtitle cue, inside a token.
    private static bool BreaksLines(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    /// <summary>Throws what <paramref name="bad"/> makes of the first argument a vocabulary cannot have.</summary>
    internal static void Validate(IReadOnlyList<string> tokens, int blankIndex, string? wordSeparator, SettingError bad)
    {
        if (tokens.Count < 2)
        {
            string got = tokens.Count == 1 ? "1 token" : $"{tokens.Count} tokens";
            throw bad(nameof(tokens), got, "a blank and at least one token");
        }

        for (int i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] is null)
            {
                throw bad(nameof(tokens), $"null at index {i}", "strings");
            }

            // A token is written into transcripts, subtitles and "path<TAB>text" lines as it is: a
            // line break or tab inside one would end a line or a subtitle cue in the middle.
            if (tokens[i].Any(BreaksLines))
            {
                string shown = string.Concat(tokens[i].Select(c => BreaksLines(c) ? $"\\u{(int)c:X4}" : c.ToString()));
                throw bad(nameof(tokens), $"'{shown}' at index {i}", "no control characters or line breaks");
            }
        }

        if (blankIndex < 0 || blankIndex >= tokens.Count)
        {
            throw bad("blank index", blankIndex, $"in [0, {tokens.Count}) (an index into the tokens)");
        }

        var duplicate = tokens.GroupBy(t => t, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw bad(nameof(tokens), $"'{duplicate.Key}' {duplicate.Count()} times", "distinct");
        }

        if (wordSeparator is not null && !tokens.Contains(wordSeparator, StringComparer.Ordinal))
        {
            throw bad("word separator", $"'{wordSeparator}'", "one of the tokens");
        }
    }

    // Code callers get the rule in words without .NET's "(Parameter 'tokens')": the errors of
    // vocabularies built from transcripts reach the CLI as they are.
    private static ArgumentException Plain(string name, object value, string expected) =>
        new($"{name} must be {expected}; got {value}");

    /// <summary>All tokens, the blank included, in logit order.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>Index of the CTC blank.</summary>
    public int BlankIndex { get; }

    /// <summary>The token that separates words (e.g. "|" for characters), or null for word tokens.</summary>
    public string? WordSeparator { get; }

    /// <summary>Number of tokens (the model's output size).</summary>
    public int Count => Tokens.Count;

    /// <summary>
    /// The ten English digit words "zero".."nine" after a blank "&lt;blank&gt;" at index 0, so digit
    /// d is token d + 1.
    /// </summary>
    public static AcousticVocabulary DigitWords() => new(
        new[] { "<blank>", "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine" });

    /// <summary>Index of <paramref name="token"/>; throws naming it when it is not in the vocabulary.</summary>
    public int IndexOf(string token) => TryIndexOf(token, out int index)
        ? index
        : throw new ArgumentException($"token '{token}' is not in the vocabulary ({Count} tokens)");

    /// <summary>
    /// Index of <paramref name="token"/> (never the blank's); false when it is not in the vocabulary.
    /// </summary>
    public bool TryIndexOf(string token, out int index)
    {
        for (index = 0; index < Tokens.Count; index++)
        {
            if (index != BlankIndex && string.Equals(Tokens[index], token, StringComparison.Ordinal))
            {
                return true;
            }
        }

        index = -1;
        return false;
    }

    /// <summary>
    /// Token indices of a transcript: with word tokens, one per whitespace-separated word; with
    /// a separator, one per character (text element, see <see cref="TranscriptText.Characters"/>) and
    /// the separator between words. Give the transcript normalised as the vocabulary's was.
    /// </summary>
    public int[] Encode(string transcript)
    {
        string[] words = transcript.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (WordSeparator is null)
        {
            return words.Select(IndexOf).ToArray();
        }

        var ids = new List<int>();
        for (int w = 0; w < words.Length; w++)
        {
            if (w > 0)
            {
                ids.Add(IndexOf(WordSeparator));
            }

            foreach (string c in TranscriptText.Characters(words[w]))
            {
                ids.AddRange(TryIndexOf(c, out int id) ? [id] : Runes(c));
            }
        }

        return ids.ToArray();
    }

    // A vocabulary built before characters were text elements has a token per code point (a base
    // letter, then its combining mark); its transcripts still encode, one rune at a time.
    private IEnumerable<int> Runes(string element) =>
        element.EnumerateRunes().Select(r => IndexOf(r.ToString()));

    /// <summary>The text of token indices (blanks skipped): words joined by spaces.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        var real = ids.Where(i => i != BlankIndex).Select(i => Tokens[i]);
        if (WordSeparator is null)
        {
            return string.Join(' ', real);
        }

        return string.Concat(real.Select(t => t == WordSeparator ? " " : t)).Trim();
    }
}
