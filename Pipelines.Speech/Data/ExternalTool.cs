using System.ComponentModel;
using System.Diagnostics;

namespace Pipelines.Speech.Data;

/// <summary>
/// Runs a command-line program (a synthesiser, sox) to completion and returns what it printed.
/// Training-data generation only; nothing at inference time starts a process.
/// </summary>
internal static class ExternalTool
{
    // A digit word takes a synthesiser well under a second; a minute means it hangs.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="arguments"/>, writing
    /// <paramref name="input"/> to its standard input when given.
    /// </summary>
    /// <returns>Its standard output, or null when the program is not installed.</returns>
    /// <exception cref="InvalidOperationException">It exits non-zero or runs past the limit.</exception>
    public static string? TryRun(string program, IEnumerable<string> arguments, string? input = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Win32Exception)
        {
            return null;
        }

        using (process)
        {
            if (process is null)
            {
                return null;
            }

            return Finish(process, input, Describe(start));
        }
    }

    /// <summary>
    /// Like <see cref="TryRun"/>, but a missing program is an error naming the Debian
    /// <paramref name="package"/> to install.
    /// </summary>
    public static string Run(
        string program, IEnumerable<string> arguments, string package, string? input = null) =>
        TryRun(program, arguments, input) ?? throw new InvalidOperationException(
            $"cannot run {program}: it is not installed (apt-get install {package})");

    private static string Finish(Process process, string? input, string command)
    {
        // Both streams are drained at once: a full stderr pipe would otherwise block the child.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException(
                $"'{command}' ran past {Limit.TotalSeconds:F0} s and was stopped");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{command}' failed (exit {process.ExitCode}): {error.Result.Trim()}");
        }

        return output.Result;
    }

    private static string Describe(ProcessStartInfo start) =>
        start.FileName + " " +
        string.Join(' ', start.ArgumentList.Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
}
