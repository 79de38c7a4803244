namespace Rnn.Core.Tests.Conformance;

// CPU fixtures of the shared optimizer and recurrent kernel cases (kept out of Backends/*.cs so
// Rnn.Cuda.Tests can compile those files with its own fixtures).

public sealed class CpuOptimKernelTests : OptimKernelTests
{
    protected override IBackend CreateBackend() => new CpuBackend();
}

public sealed class CpuScalarOptimKernelTests : OptimKernelTests
{
    protected override IBackend CreateBackend() => new CpuBackend(threads: 1, simd: CpuSimd.Scalar);
}

public sealed class CpuRecurrentKernelTests : RecurrentKernelTests
{
    protected override IBackend CreateBackend() => new CpuBackend();
}

public sealed class CpuScalarRecurrentKernelTests : RecurrentKernelTests
{
    protected override IBackend CreateBackend() => new CpuBackend(threads: 1, simd: CpuSimd.Scalar);
}
