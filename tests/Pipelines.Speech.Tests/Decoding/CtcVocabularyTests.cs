using Pipelines.Speech.Decoding;

namespace Pipelines.Speech.Tests.Decoding;

public sealed class CtcVocabularyTests
{
    [Test]
    public void FindsTheSeparator()
    {
        var vocabulary = CtcVocabulary.Characters(new[] { "_", "a", " " }, 0, " ");

        Assert.That(vocabulary.SeparatorIndex, Is.EqualTo(2));
        Assert.That(vocabulary.Unit, Is.EqualTo(TokenUnit.Character));
        Assert.That(CtcVocabulary.Words(new[] { "_", "one" }, 0).SeparatorIndex, Is.EqualTo(-1));
    }

    [Test]
    public void RejectsBadVocabularies()
    {
        var missing = Assert.Throws<ArgumentException>(() => CtcVocabulary.Characters(new[] { "_", "a" }, 0, "|"));
        Assert.That(missing!.Message, Does.Contain("'|'"));
        Assert.Throws<ArgumentException>(() => CtcVocabulary.Characters(new[] { "|", "a" }, 0, "|"));
        Assert.Throws<ArgumentOutOfRangeException>(() => CtcVocabulary.Words(new[] { "_", "a" }, 2));
        Assert.Throws<ArgumentException>(() => CtcVocabulary.Words(new[] { "_" }, 0));
        Assert.Throws<ArgumentException>(() => CtcVocabulary.Words(new[] { "_", "" }, 0));
    }

    [Test]
    public void LexiconKnowsWordsAndPrefixes()
    {
        var lexicon = new WordLexicon(new[] { "cat", "car", "cat", "" });

        Assert.That(lexicon.Count, Is.EqualTo(2));
        Assert.That(lexicon.Contains("cat"), Is.True);
        Assert.That(lexicon.Contains("ca"), Is.False);
        Assert.That(WordLexicon.Walk(lexicon.Root, "ca"), Is.Not.Null);
        Assert.That(WordLexicon.Walk(lexicon.Root, "cb"), Is.Null);
    }

    [Test]
    public void MatrixChecksItsShape()
    {
        var error = Assert.Throws<ArgumentException>(() => new LogProbMatrix(new float[5], 2, 3));
        Assert.That(error!.Message, Does.Contain("got 5"));
    }
}
