using Pipelines.Captioning.Text;

namespace Pipelines.Captioning.Tests.Text;

public sealed class VocabularyTests
{
    [Test]
    public void TokenizerLowercasesAndDropsPunctuation()
    {
        Assert.That(CaptionTokenizer.Tokenize("A dog's ball, red-and-blue ."),
            Is.EqualTo(new[] { "a", "dog's", "ball", "red", "and", "blue" }));
        Assert.That(CaptionTokenizer.Detokenize(["a", "dog", "runs"]), Is.EqualTo("A dog runs"));
    }

    [Test]
    public void BuildKeepsFrequentWordsMostFrequentFirst()
    {
        var captions = new[] { "a dog runs", "a dog sits", "a cat" }.Select(CaptionTokenizer.Tokenize).ToArray();
        var vocab = Vocabulary.Build(captions, minCount: 2);
        Assert.That(vocab.Tokens, Is.EqualTo(new[] { "<pad>", "<start>", "<end>", "<unk>", "a", "dog" }));
        Assert.That(vocab.Encode(["a", "cat"]), Is.EqualTo(new[] { 4, Vocabulary.Unknown }));
        Assert.That(vocab.Decode([Vocabulary.Start, 5, 4, Vocabulary.End, 5]), Is.EqualTo(new[] { "dog", "a" }));
    }

    [Test]
    public void JsonRoundTripsAndBadVocabulariesAreRefused()
    {
        var vocab = Vocabulary.Build([["x", "y", "x"]], 1);
        Assert.That(Vocabulary.FromJson(vocab.ToJson()).Tokens, Is.EqualTo(vocab.Tokens));
        Assert.Throws<InvalidDataException>(() => Vocabulary.FromJson(new System.Text.Json.Nodes.JsonArray("a", "b")));
        Assert.Throws<InvalidDataException>(() => Vocabulary.FromJson(null));
    }

    // A hand-edited config.json put a tab, a newline and a terminal escape into a word, and caption
    // printed them as they were: the "path<TAB>caption" line split and the terminal took the title
    // command. Refused on load, as the speech vocabulary refuses them.
    // By code, since a test name holding an escape character is not run at all.
    [TestCase(0x09)]
    [TestCase(0x0A)]
    [TestCase(0x1B)]
    [TestCase(0x2028)]
    public void ControlCharactersInATokenAreRefused(int code)
    {
        string token = $"d{(char)code}]0;pwned{(char)7}";
        var json = new System.Text.Json.Nodes.JsonArray("<pad>", "<start>", "<end>", "<unk>", "a", token);

        var e = Assert.Throws<InvalidDataException>(() => Vocabulary.FromJson(json));

        Assert.That(e!.Message, Does.StartWith("vocabulary token 5 '").And.EndWith(
            "' holds a control character or line break; tokens may not"));
        Assert.That(e.Message.Any(char.IsControl), Is.False, "the error line itself stays one clean line");
    }
}
