using Rnn.Cuda;

namespace Rnn.Core.Tests.Conformance;

// The shared conformance cases on CudaBackend: on ILGPU's CPU accelerator everywhere (the same
// kernels, the tiled ILGPU GEMM), and on a real GPU (cuBLAS GEMM) when one is present, else
// those tests report Ignored with the reason "no CUDA device".

[TestFixture]
public sealed class CudaSimulatedConformance : BackendConformanceTests
{
    protected override IBackend CreateBackend() => SharedBackends.CpuSimulated;
}

[TestFixture]
public sealed class CudaSimulatedRecurrentKernelTests : RecurrentKernelTests
{
    protected override IBackend CreateBackend() => SharedBackends.CpuSimulated;
}

[TestFixture]
public sealed class CudaSimulatedOptimKernelTests : OptimKernelTests
{
    protected override IBackend CreateBackend() => SharedBackends.CpuSimulated;
}

[TestFixture]
public sealed class CudaGpuConformance : BackendConformanceTests
{
    protected override IBackend CreateBackend() => SharedBackends.RealGpu;
}

[TestFixture]
public sealed class CudaGpuRecurrentKernelTests : RecurrentKernelTests
{
    protected override IBackend CreateBackend() => SharedBackends.RealGpu;
}

[TestFixture]
public sealed class CudaGpuOptimKernelTests : OptimKernelTests
{
    protected override IBackend CreateBackend() => SharedBackends.RealGpu;
}
