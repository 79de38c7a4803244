namespace Multimodal.Cli.Hosting;

/// <summary>The compute device a verb runs on, as chosen with <c>--device</c>.</summary>
public enum DeviceChoice
{
    /// <summary>The CPU backend of Rnn.Core.</summary>
    Cpu,

    /// <summary>An NVIDIA GPU through Rnn.Cuda.</summary>
    Cuda,

    /// <summary>The best device available; today always the CPU.</summary>
    Auto,
}

/// <summary>Turns the user's <c>--device</c> choice into the device that will really run.</summary>
public static class DeviceResolver
{
    /// <summary>The accepted spellings of <c>--device</c>.</summary>
    public static readonly string[] Names = ["cpu", "cuda", "auto"];

    /// <summary>Parses one of <see cref="Names"/> (case-insensitive).</summary>
    public static DeviceChoice Parse(string name) => name.ToLowerInvariant() switch
    {
        "cpu" => DeviceChoice.Cpu,
        "cuda" => DeviceChoice.Cuda,
        "auto" => DeviceChoice.Auto,
        _ => throw new CliException("--device", $"expected cpu, cuda or auto; got '{name}'"),
    };

    /// <summary>
    /// Resolves <paramref name="choice"/> to a device that exists in this build. Fails for CUDA
    /// rather than silently falling back, so nobody believes a CPU run was a GPU run.
    /// </summary>
    public static DeviceChoice Resolve(DeviceChoice choice) => choice switch
    {
        // Limit: Rnn.Cuda has no backend yet; auto becomes cuda once one exists and a GPU is found.
        DeviceChoice.Cuda => throw new CliException(
            "--device cuda", "no CUDA backend is built yet; run with --device cpu (or auto)"),
        _ => DeviceChoice.Cpu,
    };
}
