using Rnn.Core;
using Rnn.Cuda;

namespace Multimodal.Cli.Hosting;

/// <summary>The compute device a verb runs on, as chosen with <c>--device</c>.</summary>
public enum DeviceChoice
{
    /// <summary>The CPU backend of Rnn.Core.</summary>
    Cpu,

    /// <summary>An NVIDIA GPU through Rnn.Cuda.</summary>
    Cuda,

    /// <summary>The best device available: CUDA when a CUDA device is found, else the CPU.</summary>
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
    /// Resolves <paramref name="choice"/> to a device that exists on this machine. Fails for CUDA
    /// without a CUDA device rather than silently falling back, so nobody believes a CPU run was
    /// a GPU run; auto picks CUDA when a device is found.
    /// </summary>
    public static DeviceChoice Resolve(DeviceChoice choice) => choice switch
    {
        DeviceChoice.Cuda when !CudaBackend.IsAvailable => throw new CliException(
            "--device cuda", "no CUDA device found; run with --device cpu (or auto)"),
        DeviceChoice.Cuda => DeviceChoice.Cuda,
        DeviceChoice.Auto when CudaBackend.IsAvailable => DeviceChoice.Cuda,
        _ => DeviceChoice.Cpu,
    };

    /// <summary>
    /// The backend for a device choice: <see cref="CudaBackend.Create"/> or a <see cref="CpuBackend"/>.
    /// </summary>
    public static IBackend CreateBackend(DeviceChoice resolved) =>
        Resolve(resolved) == DeviceChoice.Cuda ? CudaBackend.Create() : new CpuBackend();
}
