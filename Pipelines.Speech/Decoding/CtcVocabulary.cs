namespace Pipelines.Speech.Decoding;

/// <summary>What one non-blank token of a CTC vocabulary stands for.</summary>
public enum TokenUnit
{
    /// <summary>
    /// Tokens are characters (or word pieces) that concatenate into words; a word separator token
    /// ("|" or " ") splits them.
    /// </summary>
    Character,

    /// <summary>Every non-blank token is a whole word ("seven").</summary>
    Word,
}

/// <summary>
/// The output alphabet of a CTC model: the token strings in class order, the blank's index and,
/// for character models, the word separator.
/// </summary>
/// <example>
/// <code>
/// var chars = CtcVocabulary.Characters(new[] { "_", "|", "a", "b" }, blank: 0, separator: "|");
/// var digits = CtcVocabulary.Words(new[] { "&lt;b&gt;", "zero", "one", "two" }, blank: 0);
/// </code>
/// </example>
public sealed class CtcVocabulary
{
    private CtcVocabulary(IReadOnlyList<string> tokens, int blank, TokenUnit unit, int separatorIndex)
    {
        Tokens = tokens;
        Blank = blank;
        Unit = unit;
        SeparatorIndex = separatorIndex;
    }

    /// <summary>Token strings in the model's class order; the blank's string is never emitted.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>Class index of the CTC blank.</summary>
    public int Blank { get; }

    /// <summary>Whether tokens are characters or words.</summary>
    public TokenUnit Unit { get; }

    /// <summary>Class index of the word separator; -1 for word-level vocabularies.</summary>
    public int SeparatorIndex { get; }

    /// <summary>Number of classes, blank included.</summary>
    public int Count => Tokens.Count;

    /// <summary>A character-level vocabulary whose words are split by <paramref name="separator"/>.</summary>
    /// <param name="tokens">Token strings in class order.</param>
    /// <param name="blank">Class index of the blank.</param>
    /// <param name="separator">The token that ends a word, such as "|" or " ".</param>
    public static CtcVocabulary Characters(IEnumerable<string> tokens, int blank, string separator)
    {
        ArgumentNullException.ThrowIfNull(separator);
        string[] list = Validate(tokens, blank);
        int index = Array.IndexOf(list, separator);
        if (index < 0 || index == blank)
        {
            throw new ArgumentException(
                $"word separator '{separator}' must be a non-blank token of the vocabulary " +
                $"[{string.Join(", ", list.Select(t => $"'{t}'"))}]", nameof(separator));
        }

        return new CtcVocabulary(list, blank, TokenUnit.Character, index);
    }

    /// <summary>A word-level vocabulary: every non-blank token is one word.</summary>
    /// <param name="tokens">Token strings (words) in class order.</param>
    /// <param name="blank">Class index of the blank.</param>
    public static CtcVocabulary Words(IEnumerable<string> tokens, int blank) =>
        new(Validate(tokens, blank), blank, TokenUnit.Word, -1);

    /// <summary>Whether <paramref name="token"/> ends a word rather than adding to it.</summary>
    public bool IsSeparator(int token) => token == SeparatorIndex;

    private static string[] Validate(IEnumerable<string> tokens, int blank)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        string[] list = tokens.ToArray();
        if (list.Length < 2)
        {
            throw new ArgumentException($"a CTC vocabulary needs a blank and one token at least; got {list.Length}",
                nameof(tokens));
        }

        if (blank < 0 || blank >= list.Length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(blank), blank, $"blank must index one of {list.Length} tokens");
        }

        for (int i = 0; i < list.Length; i++)
        {
            if (i != blank && string.IsNullOrEmpty(list[i]))
            {
                throw new ArgumentException($"token {i} is empty; only the blank may be", nameof(tokens));
            }
        }

        return list;
    }
}
