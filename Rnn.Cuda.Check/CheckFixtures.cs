namespace Rnn.Core.Tests.Conformance;

/// <summary>The backend the check runs on, set once by Program from its arguments.</summary>
internal static class CheckBackend
{
    public static IBackend Current { get; set; } = null!;
}

internal sealed class CheckConformance : BackendConformanceTests
{
    protected override IBackend CreateBackend() => CheckBackend.Current;
}

internal sealed class CheckRecurrentKernels : RecurrentKernelTests
{
    protected override IBackend CreateBackend() => CheckBackend.Current;
}

internal sealed class CheckOptimKernels : OptimKernelTests
{
    protected override IBackend CreateBackend() => CheckBackend.Current;
}
