namespace Pipelines.Speech.Decoding;

/// <summary>
/// One label prefix of <see cref="CtcPrefixBeamSearch"/>: a node of the prefix tree, unique per
/// label sequence, so that every path reaching the same labels adds into the same scores.
/// </summary>
internal sealed class CtcPrefix
{
    // Per token: the extension, or null when the lexicon forbids it (cached both ways).
    private Dictionary<int, CtcPrefix?>? _children;
    private bool _touched;

    public CtcPrefix(CtcPrefix? parent, int token, WordLexicon.Node? lexiconNode, int words)
    {
        Parent = parent;
        Token = token;
        LexiconNode = lexiconNode;
        Words = words;
    }

    public CtcPrefix? Parent { get; }

    /// <summary>The last label, or -1 for the empty prefix.</summary>
    public int Token { get; }

    /// <summary>With a character lexicon: the trie node of the last, partial word.</summary>
    public WordLexicon.Node? LexiconNode { get; }

    /// <summary>Number of words started so far (for the insertion bonus).</summary>
    public int Words { get; }

    /// <summary>log p(frames so far, path ends in blank) and (..., path ends in <see cref="Token"/>).</summary>
    public double Blank { get; set; } = double.NegativeInfinity;

    public double NonBlank { get; set; } = double.NegativeInfinity;

    /// <summary>The beam's ranking score after the last commit (log probability plus word bonus).</summary>
    public double Rank { get; set; }

    /// <summary>The scores being built for the next frame.</summary>
    public double NextBlank { get; set; }

    public double NextNonBlank { get; set; }

    /// <summary>Whether the prefix may end the utterance: its last word is a lexicon word or empty.</summary>
    public bool IsComplete => LexiconNode is null || LexiconNode.IsWord || AtWordBoundary;

    /// <summary>Whether no word is in progress: the empty prefix, or one ending in a separator.</summary>
    private bool AtWordBoundary => Token < 0 || IsSeparator;

    private bool IsSeparator { get; init; }

    /// <summary>Joins this frame's list of prefixes with fresh next-frame scores (once per frame).</summary>
    public void Touch(List<CtcPrefix> touched)
    {
        if (!_touched)
        {
            _touched = true;
            NextBlank = double.NegativeInfinity;
            NextNonBlank = double.NegativeInfinity;
            touched.Add(this);
        }
    }

    public void Commit()
    {
        Blank = NextBlank;
        NonBlank = NextNonBlank;
        _touched = false;
    }

    /// <summary>Forgets the scores of a prefix that fell out of the beam, and frees it if it is a leaf.</summary>
    public void Reset()
    {
        Blank = double.NegativeInfinity;
        NonBlank = double.NegativeInfinity;
        if (Parent?._children is { } siblings && (_children is null || _children.Count == 0))
        {
            siblings.Remove(Token);
        }
    }

    /// <summary>This prefix plus <paramref name="token"/>, or null when the lexicon forbids it.</summary>
    public CtcPrefix? Child(int token, CtcVocabulary vocabulary, WordLexicon? lexicon)
    {
        _children ??= new Dictionary<int, CtcPrefix?>();
        if (!_children.TryGetValue(token, out CtcPrefix? child))
        {
            child = Create(token, vocabulary, lexicon);
            _children.Add(token, child);
        }

        return child;
    }

    public int[] Labels()
    {
        var labels = new List<int>();
        for (CtcPrefix? p = this; p is not null && p.Token >= 0; p = p.Parent)
        {
            labels.Add(p.Token);
        }

        labels.Reverse();
        return labels.ToArray();
    }

    private CtcPrefix? Create(int token, CtcVocabulary vocabulary, WordLexicon? lexicon)
    {
        string text = vocabulary.Tokens[token];
        if (vocabulary.Unit == TokenUnit.Word)
        {
            return lexicon is null || lexicon.Contains(text) ? new CtcPrefix(this, token, null, Words + 1) : null;
        }

        if (vocabulary.IsSeparator(token))
        {
            // A word may end only where the lexicon has one (or where none had begun).
            bool allowed = IsComplete;
            return allowed ? new CtcPrefix(this, token, lexicon?.Root, Words) { IsSeparator = true } : null;
        }

        bool startsWord = AtWordBoundary;
        if (lexicon is null)
        {
            return new CtcPrefix(this, token, null, startsWord ? Words + 1 : Words);
        }

        WordLexicon.Node? next = WordLexicon.Walk(LexiconNode!, text);
        return next is null ? null : new CtcPrefix(this, token, next, startsWord ? Words + 1 : Words);
    }
}
