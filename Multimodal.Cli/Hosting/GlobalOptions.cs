using System.CommandLine;

namespace Multimodal.Cli.Hosting;

/// <summary>Options accepted by every verb (they are recursive: valid before or after the verb).</summary>
public sealed class GlobalOptions
{
    /// <summary><c>--quiet</c>/<c>-q</c>: no progress output; results and errors still print.</summary>
    public Option<bool> Quiet { get; } = new("--quiet", "-q")
    {
        Description = "Print no progress; results and errors still print",
        Recursive = true,
    };

    /// <summary><c>--device cpu|cuda|auto</c>.</summary>
    public Option<string> Device { get; } = CreateDevice();

    private static Option<string> CreateDevice()
    {
        var option = new Option<string>("--device")
        {
            Description = "Compute device: cpu, cuda or auto (auto = cuda when a CUDA device is found, else cpu)",
            DefaultValueFactory = _ => "auto",
            HelpName = "cpu|cuda|auto",
            Recursive = true,
        };
        return OptionBuilders.OneOf(option, DeviceResolver.Names);
    }
}
