using System.Text;

namespace Pipelines.Captioning.Text;

/// <summary>
/// Splits captions into lowercase word tokens: letters, digits and inner apostrophes form words;
/// everything else (punctuation, the trailing " ." of Flickr8k captions) separates them. The same
/// tokens feed the vocabulary, training and the BLEU/CIDEr-D references.
/// </summary>
public static class CaptionTokenizer
{
    /// <summary>The tokens of <paramref name="caption"/>, e.g. "A dog's ball ." -> [a, dog's, ball].</summary>
    public static string[] Tokenize(string caption)
    {
        ArgumentNullException.ThrowIfNull(caption);
        var tokens = new List<string>();
        var word = new StringBuilder();
        for (int i = 0; i < caption.Length; i++)
        {
            char ch = caption[i];
            bool inner = ch == '\'' && word.Length > 0 && i + 1 < caption.Length
                && char.IsLetterOrDigit(caption[i + 1]);
            if (char.IsLetterOrDigit(ch) || inner)
            {
                word.Append(char.ToLowerInvariant(ch));
            }
            else if (word.Length > 0)
            {
                tokens.Add(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            tokens.Add(word.ToString());
        }

        return tokens.ToArray();
    }

    /// <summary>Joins tokens into a readable caption (first letter capitalised, no final period).</summary>
    public static string Detokenize(IEnumerable<string> tokens)
    {
        string text = string.Join(' ', tokens);
        return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
    }
}
