using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Multimodal.Cli.Hosting;

/// <summary>
/// The process's stdout and stderr as the CLI writes them. Stderr carries progress and error lines
/// only: a stderr that is closed or full (<c>2&gt;&amp;-</c>, <c>2&gt;/dev/full</c>) must not stop
/// the work, whose results go to stdout or files, so its write failures are dropped (the run
/// crashed with SIGABRT in the error handler that tried to report them). Stdout carries results: a
/// failure to write them ends the run with one line naming stdout (<see cref="OutputClosedException"/>),
/// and a broken pipe counts as one (.NET's console ignores EPIPE, so `transcribe big | head -1` ran
/// every file and said all succeeded while 1999 results were lost).
/// </summary>
public static class ProcessStreams
{
    /// <summary>Stderr that never throws.</summary>
    public static TextWriter Error() => new QuietWriter(Console.Error);

    /// <summary>Stdout on file descriptor 1, flushed line by line, whose failures throw.</summary>
    public static TextWriter Output() => new ResultWriter();

    private sealed class QuietWriter(TextWriter inner) : TextWriter
    {
        private bool broken;

        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => Try(() => inner.Write(value));

        public override void Write(string? value) => Try(() => inner.Write(value));

        public override void Write(char[] buffer, int index, int count) =>
            Try(() => inner.Write(buffer, index, count));

        public override void WriteLine(string? value) => Try(() => inner.WriteLine(value));

        public override void Flush() => Try(inner.Flush);

        private void Try(Action write)
        {
            if (broken)
            {
                return;
            }

            try
            {
                write();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                broken = true;   // nowhere left to say so
            }
        }
    }

    private sealed class ResultWriter : TextWriter
    {
        private TextWriter? inner;

        public override Encoding Encoding { get; } = new UTF8Encoding(false);

        public override void Write(char value) => Try(w => w.Write(value));

        public override void Write(string? value) => Try(w => w.Write(value));

        public override void Write(char[] buffer, int index, int count) => Try(w => w.Write(buffer, index, count));

        public override void WriteLine(string? value) => Try(w => w.WriteLine(value));

        public override void Flush() => Try(w => w.Flush());

        // A pipe or socket is written through a stream of our own, which reports a broken pipe; a
        // file or terminal through the console, whose writes share the file's offset with the shell
        // (a FileStream writes at its own position, so `echo` after a run wrote over its results).
        private static TextWriter Open()
        {
            string? target = OperatingSystem.IsLinux() ? LinkTarget("/proc/self/fd/1") : null;
            if (target is null || !(target.StartsWith("pipe:", StringComparison.Ordinal) ||
                                    target.StartsWith("socket:", StringComparison.Ordinal)))
            {
                return Console.Out;
            }

            return new StreamWriter(new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, 1),
                new UTF8Encoding(false))
            {
                AutoFlush = true,
                NewLine = "\n",
            };
        }

        private static string? LinkTarget(string path)
        {
            try
            {
                return new FileInfo(path).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        private void Try(Action<TextWriter> write)
        {
            try
            {
                // Opened at the first write: a closed stdout (>&-) fails here, as a write would.
                inner ??= Open();
                write(inner);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new OutputClosedException(Reason(e), e);
            }
        }

        private static string Reason(Exception e) =>
            e.Message.Contains("Broken pipe", StringComparison.OrdinalIgnoreCase)
            ? "the reader of the pipe has closed it; results after this are lost"
            : ErrorLine.OutOfSpace(e) is { } full ? full
            : e is UnauthorizedAccessException or ArgumentException ? "closed; results cannot be written"
            : e.Message;
    }
}

/// <summary>Stdout cannot take the results any more (closed, full, a pipe whose reader left).</summary>
public sealed class OutputClosedException(string reason, Exception inner) : IOException($"stdout: {reason}", inner)
{
    /// <summary>What is wrong with stdout, without the "stdout: " prefix.</summary>
    public string Reason { get; } = reason;
}
