using Rnn.Cuda;

namespace Rnn.Core.Tests.Conformance;

/// <summary>
/// One CudaBackend per kind for the whole test run: BackendTestBase asks for a backend before
/// every test, and a fresh ILGPU context would recompile every kernel each time. Disposed once
/// all tests have run (see <see cref="CudaTestRun"/>).
/// </summary>
internal static class SharedBackends
{
    private static readonly Lazy<CudaBackend> Simulated = new(CudaBackend.CreateCpuSimulated);
    private static readonly Lazy<CudaBackend?> Gpu = new(() => CudaBackend.IsAvailable ? CudaBackend.Create() : null);

    /// <summary>The backend on ILGPU's CPU accelerator.</summary>
    public static CudaBackend CpuSimulated => Simulated.Value;

    /// <summary>The backend on the first CUDA device; marks the test Ignored where there is none.</summary>
    public static CudaBackend RealGpu
    {
        get
        {
            var gpu = Gpu.Value;
            if (gpu is null)
            {
                Assert.Ignore("no CUDA device");
            }

            return gpu!;
        }
    }

    public static void DisposeAll()
    {
        if (Simulated.IsValueCreated)
        {
            Simulated.Value.Dispose();
        }

        if (Gpu.IsValueCreated)
        {
            Gpu.Value?.Dispose();
        }
    }
}
