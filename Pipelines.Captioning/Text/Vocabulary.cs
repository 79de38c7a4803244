using System.Text.Json.Nodes;

namespace Pipelines.Captioning.Text;

/// <summary>
/// Word tokens of a caption model: ids 0..3 are the specials &lt;pad&gt;, &lt;start&gt;,
/// &lt;end&gt;, &lt;unk&gt;; then every training word seen at least a minimum number of times, most
/// frequent first (ties in ordinal order, so a vocabulary is a pure function of its captions).
/// </summary>
public sealed class Vocabulary
{
    /// <summary>Padding id (never predicted).</summary>
    public const int Pad = 0;

    /// <summary>Start-of-caption id, the first word input.</summary>
    public const int Start = 1;

    /// <summary>End-of-caption id.</summary>
    public const int End = 2;

    /// <summary>Unknown-word id.</summary>
    public const int Unknown = 3;

    private static readonly string[] Specials = ["<pad>", "<start>", "<end>", "<unk>"];
    private readonly string[] words;
    private readonly Dictionary<string, int> ids;

    /// <summary>Creates a vocabulary from its full token list, specials first.</summary>
    /// <exception cref="ArgumentException">
    /// The specials are not first, or a token repeats, is empty or holds a control character.
    /// </exception>
    public Vocabulary(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        for (int i = 0; i < Specials.Length; i++)
        {
            if (tokens.Count <= i || tokens[i] != Specials[i])
            {
                throw new ArgumentException($"vocabulary must start with {string.Join(", ", Specials)}; "
                    + $"token {i} is '{(tokens.Count > i ? tokens[i] : "(missing)")}'");
            }
        }

        words = tokens.ToArray();
        ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < words.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(words[i]) || !ids.TryAdd(words[i], i))
            {
                throw new ArgumentException($"vocabulary token {i} '{words[i]}' is empty or repeated");
            }

            // Captions are printed as they are, in "path<TAB>caption" lines on a terminal: a tab or
            // line break would split the line, an escape character would drive the terminal. The
            // tokenizer makes none, so only a config.json edited by hand holds one.
            if (words[i].Any(BreaksLines))
            {
                string shown = string.Concat(words[i].Select(c => BreaksLines(c) ? $"\\u{(int)c:X4}" : c.ToString()));
                throw new ArgumentException(
                    $"vocabulary token {i} '{shown}' holds a control character or line break; tokens may not");
            }
        }
    }

    private static bool BreaksLines(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    /// <summary>Number of tokens, specials included.</summary>
    public int Count => words.Length;

    /// <summary>Every token by id.</summary>
    public IReadOnlyList<string> Tokens => words;

    /// <summary>Builds the vocabulary of tokenized captions.</summary>
    /// <param name="captions">Token lists (see <see cref="CaptionTokenizer"/>).</param>
    /// <param name="minCount">Words seen fewer times become &lt;unk&gt;.</param>
    public static Vocabulary Build(IEnumerable<IReadOnlyList<string>> captions, int minCount = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minCount);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var caption in captions)
        {
            foreach (var word in caption)
            {
                counts[word] = counts.GetValueOrDefault(word) + 1;
            }
        }

        var kept = counts.Where(kv => kv.Value >= minCount && !Specials.Contains(kv.Key))
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key);
        return new Vocabulary(Specials.Concat(kept).ToArray());
    }

    /// <summary>The id of a word; &lt;unk&gt; when it is not in the vocabulary.</summary>
    public int Id(string word) => ids.TryGetValue(word, out int id) ? id : Unknown;

    /// <summary>The word of an id.</summary>
    public string Word(int id) => (uint)id < (uint)words.Length
        ? words[id]
        : throw new ArgumentOutOfRangeException(nameof(id), $"token id {id} is outside [0, {words.Length})");

    /// <summary>Ids of the tokens (no start or end).</summary>
    public int[] Encode(IReadOnlyList<string> tokens) => tokens.Select(Id).ToArray();

    /// <summary>Words of the ids, stopping at &lt;end&gt; and skipping &lt;pad&gt; and &lt;start&gt;.</summary>
    public string[] Decode(IEnumerable<int> tokenIds)
    {
        var result = new List<string>();
        foreach (int id in tokenIds)
        {
            if (id == End)
            {
                break;
            }

            if (id is not (Pad or Start))
            {
                result.Add(Word(id));
            }
        }

        return result.ToArray();
    }

    /// <summary>The token list as a JSON array (for a model's config).</summary>
    public JsonArray ToJson() => new(words.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray());

    /// <summary>Reads <see cref="ToJson"/>'s array.</summary>
    /// <exception cref="InvalidDataException">Not an array of strings, or not a valid vocabulary.</exception>
    public static Vocabulary FromJson(JsonNode? node)
    {
        if (node is not JsonArray array
            || array.Any(n => n is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String))
        {
            throw new InvalidDataException("vocabulary must be a JSON array of strings");
        }

        try
        {
            return new Vocabulary(array.Select(n => n!.GetValue<string>()).ToArray());
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }
}
