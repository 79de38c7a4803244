using Multimodal.Cli.Commands;

namespace Multimodal.Cli.Tests.Commands;

[TestFixture]
public sealed class OrderedLinesTests
{
    [Test]
    public void Lines_wait_for_earlier_items_and_failed_items_print_nothing()
    {
        var output = new StringWriter();
        var lines = new OrderedLines(output, 3);

        lines.Complete(2, "c");
        Assert.That(output.ToString(), Is.Empty, "item 2 waits for 0 and 1");
        lines.Complete(0, "a");
        Assert.That(output.ToString(), Is.EqualTo("a" + Environment.NewLine));
        lines.Complete(1, null);
        Assert.That(output.ToString(), Is.EqualTo("a" + Environment.NewLine + "c" + Environment.NewLine));
    }
}
