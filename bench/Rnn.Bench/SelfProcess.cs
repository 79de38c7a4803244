using System.Diagnostics;

namespace Rnn.Bench;

/// <summary>Starts this bench again as a child process, however it was started.</summary>
internal static class SelfProcess
{
    /// <summary>
    /// A start of this program with <paramref name="args"/>: its apphost, or, when it runs as
    /// <c>dotnet Rnn.Bench.dll</c>, the same host with the same assembly first (the process path
    /// alone would start <c>dotnet</c> with the bench's options and fail).
    /// </summary>
    public static ProcessStartInfo Start(IEnumerable<string> args)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(self) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(SelfProcess).Assembly.Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }
}
