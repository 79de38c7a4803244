using Pipelines.Speech.Output;

namespace Pipelines.Speech.Tests.Output;

public sealed class SubtitleTextTests
{
    [TestCase("-->", "-- >")]
    [TestCase("--->", "--- >")]
    [TestCase("---->-->", "---- >-- >")]
    [TestCase("-- >", "-- >")]
    [TestCase("a->b", "a->b")]
    public void SrtLinesHoldNoArrow(string line, string expected)
    {
        string safe = SubtitleText.SrtLine(line);

        Assert.That(safe, Is.EqualTo(expected));
        Assert.That(safe, Does.Not.Contain("-->"));
    }

    [TestCase("plain", "plain")]
    [TestCase("a\r\n\r\nb", "a b")]
    [TestCase(" \t a \u2028\u0085 b \0", "a b")]
    [TestCase("\n\n", "")]
    [TestCase("   ", "")]
    public void OneLineTurnsBreaksIntoSingleSpaces(string word, string expected) =>
        Assert.That(SubtitleText.OneLine(word), Is.EqualTo(expected));

    [Test]
    public void VttLinesEscapeMarkup() =>
        Assert.That(SubtitleText.VttLine("<c.x>&amp;-->"), Is.EqualTo("&lt;c.x&gt;&amp;amp;--&gt;"));
}
