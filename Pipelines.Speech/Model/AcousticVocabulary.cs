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
        if (tokens.Count < 2)
        {
            throw new ArgumentException($"a CTC vocabulary needs a blank and at least one token; got {tokens.Count}");
        }

        if (blankIndex < 0 || blankIndex >= tokens.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(blankIndex), $"blank index must be in [0, {tokens.Count}); got {blankIndex}");
        }

        var duplicate = tokens.GroupBy(t => t, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"token '{duplicate.Key}' appears {duplicate.Count()} times in the vocabulary");
        }

        if (wordSeparator is not null && !tokens.Contains(wordSeparator, StringComparer.Ordinal))
        {
            throw new ArgumentException($"word separator '{wordSeparator}' is not one of the tokens");
        }

        Tokens = tokens.ToArray();
        BlankIndex = blankIndex;
        WordSeparator = wordSeparator;
    }

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
    public int IndexOf(string token)
    {
        for (int i = 0; i < Tokens.Count; i++)
        {
            if (i != BlankIndex && string.Equals(Tokens[i], token, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new ArgumentException($"token '{token}' is not in the vocabulary ({Count} tokens)");
    }

    /// <summary>
    /// Token indices of a transcript: with word tokens, one per whitespace-separated word; with
    /// a separator, one per character and the separator between words.
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

            ids.AddRange(words[w].Select(c => IndexOf(c.ToString())));
        }

        return ids.ToArray();
    }

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
