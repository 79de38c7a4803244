using Multimodal.Cli.Output;

namespace Multimodal.Cli.Tests.Output;

[TestFixture]
public sealed class TerminalTextTests
{
    [TestCase("asr\u001b]0;pwned\u0007\u001b[2J", "asr?]0;pwned??[2J")]
    [TestCase("a\r\nb\n\tc", "a b c")]
    [TestCase("  lead and trail  ", "lead and trail")]
    [TestCase("del\u007f c1\u009b", "del? c1?")]
    [TestCase("bidi\u202Eevil\u2066", "bidi?evil?")]
    [TestCase("plain ünïcode", "plain ünïcode")]
    public void Line_replaces_controls_and_collapses_whitespace(string text, string expected) =>
        Assert.That(TerminalText.Line(text), Is.EqualTo(expected));

    [Test]
    public void Line_caps_length_with_an_ellipsis()
    {
        Assert.That(TerminalText.Line(new string('x', 80)), Is.EqualTo(new string('x', 80)));
        Assert.That(TerminalText.Line(new string('x', 81)), Is.EqualTo(new string('x', 77) + "..."));
        Assert.That(TerminalText.Line(new string('x', 10_000), 10), Has.Length.EqualTo(10));
    }

    [Test]
    public void Block_keeps_newlines_and_tabs_but_not_escape_sequences()
    {
        Assert.That(TerminalText.Block("# T\r\n\n\tx\u001b[2J\u0007 y\rz\n"), Is.EqualTo("# T\n\n\tx?[2J? y?z\n"));
    }

    // A name with a newline printed as a space named a file that does not exist.
    [TestCase("a\nb.wav", "a\\nb.wav")]
    [TestCase("tab\there", "tab\\there")]
    [TestCase("  two  spaces ", "  two  spaces ")]
    [TestCase("esc\u001b[2J.wav", "esc\\x1b[2J.wav")]
    [TestCase("back\\slash\\n.wav", "back\\\\slash\\\\n.wav")]
    [TestCase("rtl\u202Evaw.exe", "rtl\\u202Evaw.exe")]
    [TestCase("caf\u00e9 \u6587\u4ef6.wav", "caf\u00e9 \u6587\u4ef6.wav")]
    public void Name_escapes_backslashes_and_control_characters_and_keeps_spaces(string name, string shown)
    {
        Assert.That(TerminalText.Name(name), Is.EqualTo(shown));
    }
}
