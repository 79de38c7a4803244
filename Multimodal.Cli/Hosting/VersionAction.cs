using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace Multimodal.Cli.Hosting;

/// <summary>
/// Prints the CLI assembly's version. System.CommandLine's own version option reads the entry
/// assembly, which is the test host when the CLI runs in-process, so this reads ours instead.
/// </summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    /// <summary>The informational version without the "+commit" suffix the SDK may append.</summary>
    public static string Version { get; } = ReadVersion();

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(Version);
        return ExitCodes.Success;
    }

    private static string ReadVersion()
    {
        var assembly = typeof(VersionAction).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var version = informational ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
