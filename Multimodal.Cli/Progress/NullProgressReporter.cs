namespace Multimodal.Cli.Progress;

/// <summary>The <c>--quiet</c> reporter: accepts every call and prints nothing.</summary>
public sealed class NullProgressReporter : IProgressReporter
{
    /// <summary>The one instance; it holds no state.</summary>
    public static readonly NullProgressReporter Instance = new();

    private NullProgressReporter()
    {
    }

    public IProgressTask Start(string name, long total, long done = 0) => NullTask.Instance;

    public void Dispose()
    {
    }

    private sealed class NullTask : IProgressTask
    {
        public static readonly NullTask Instance = new();

        public void Advance(long amount = 1)
        {
        }

        public void Message(string text)
        {
        }

        public void Finish()
        {
        }

        public void Finish(long failed)
        {
        }

        public void Interrupt()
        {
        }

        public void Stop()
        {
        }

        public void Dispose()
        {
        }
    }
}
