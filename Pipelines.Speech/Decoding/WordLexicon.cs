namespace Pipelines.Speech.Decoding;

/// <summary>
/// A set of allowed words kept as a character trie, so a decoder can ask whether a partial word
/// can still grow into a lexicon word.
/// </summary>
public sealed class WordLexicon
{
    /// <summary>Builds a lexicon of <paramref name="words"/> (empty strings and duplicates ignored).</summary>
    public WordLexicon(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        Root = new Node();
        foreach (string word in words)
        {
            if (!string.IsNullOrEmpty(word))
            {
                Add(word);
            }
        }
    }

    /// <summary>Number of distinct words.</summary>
    public int Count { get; private set; }

    /// <summary>The trie node of the empty partial word.</summary>
    public Node Root { get; }

    /// <summary>Whether <paramref name="word"/> is in the lexicon.</summary>
    public bool Contains(string word) => Walk(Root, word) is { IsWord: true };

    /// <summary>
    /// The node reached from <paramref name="node"/> by appending <paramref name="text"/>, or null
    /// when no lexicon word starts with that partial word.
    /// </summary>
    public static Node? Walk(Node node, string text)
    {
        Node? current = node;
        foreach (char c in text)
        {
            if (current is null || !current.Children.TryGetValue(c, out current))
            {
                return null;
            }
        }

        return current;
    }

    private void Add(string word)
    {
        Node node = Root;
        foreach (char c in word)
        {
            if (!node.Children.TryGetValue(c, out Node? child))
            {
                child = new Node();
                node.Children.Add(c, child);
            }

            node = child;
        }

        if (!node.IsWord)
        {
            node.IsWord = true;
            Count++;
        }
    }

    /// <summary>One partial word of the trie.</summary>
    public sealed class Node
    {
        internal Dictionary<char, Node> Children { get; } = new();

        /// <summary>Whether the partial word is itself a lexicon word.</summary>
        public bool IsWord { get; internal set; }
    }
}
