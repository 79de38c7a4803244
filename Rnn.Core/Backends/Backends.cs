namespace Rnn.Core;

/// <summary>The process-wide default backend that tensor factories and layers use.</summary>
public static class Backends
{
    private static IBackend? current;

    /// <summary>
    /// The backend new tensors are created on when none is given. Starts as a
    /// <see cref="CpuBackend"/> using every core; set it once at start-up to change it.
    /// </summary>
    public static IBackend Default
    {
        get => current ??= new CpuBackend();
        set => current = value ?? throw new ArgumentNullException(nameof(value));
    }
}
