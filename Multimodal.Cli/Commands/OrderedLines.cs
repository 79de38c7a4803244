namespace Multimodal.Cli.Commands;

/// <summary>
/// Writes one line per item in item order while items finish in any order (<c>--jobs</c>): a
/// line waits until every earlier item has finished, then goes out at once.
/// </summary>
public sealed class OrderedLines
{
    private readonly TextWriter _writer;
    private readonly string?[] _lines;
    private readonly bool[] _done;
    private int _next;

    /// <summary>Lines for <paramref name="count"/> items, written to <paramref name="writer"/>.</summary>
    public OrderedLines(TextWriter writer, int count)
    {
        _writer = writer;
        _lines = new string?[count];
        _done = new bool[count];
    }

    /// <summary>Item <paramref name="index"/> is finished; null writes nothing for it (it failed).</summary>
    public void Complete(int index, string? line)
    {
        lock (_done)
        {
            _lines[index] = line;
            _done[index] = true;
            for (; _next < _done.Length && _done[_next]; _next++)
            {
                if (_lines[_next] is { } text)
                {
                    _writer.WriteLine(text);
                }

                _lines[_next] = null;
            }

            _writer.Flush();
        }
    }
}
