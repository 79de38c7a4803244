using Rnn.Core;
using Rnn.Core.Tests.Conformance;
using Rnn.Cuda;
using Rnn.Cuda.Check;

// Usage: rnn-cuda-check [--simulated] [--skip-conformance] [--skip-bench]
// --simulated runs on ILGPU's CPU accelerator with tiny bench sizes (to test this program and the
// script on a machine without a GPU); otherwise it needs a CUDA device and says so if there is none.
bool simulated = args.Contains("--simulated");
if (!simulated && !CudaBackend.IsAvailable)
{
    Console.Error.WriteLine("error: no CUDA device found (pass --simulated to run on the CPU accelerator)");
    return 2;
}

using var backend = simulated ? CudaBackend.CreateCpuSimulated() : CudaBackend.Create();
Console.WriteLine($"backend: {backend.Name}");
CheckBackend.Current = backend;
int status = 0;
if (!args.Contains("--skip-conformance"))
{
    var fixtures = new[] { typeof(CheckConformance), typeof(CheckRecurrentKernels), typeof(CheckOptimKernels) };
    var (passed, failed, skipped) = Runner.Run(fixtures, Console.Out);
    Console.WriteLine($"CONFORMANCE passed={passed} failed={failed} skipped={skipped}");
    status = failed > 0 || passed == 0 ? 1 : 0;
}

if (!args.Contains("--skip-bench"))
{
    foreach (var c in Bench.Cases(tiny: simulated))
    {
        double ms = Bench.MedianMs(backend, c, warmup: simulated ? 1 : 3, reps: simulated ? 3 : 10);
        Console.WriteLine($"OURS {c.Name} {ms:F3} input={c.Input} hidden={c.Hidden} batch={c.Batch} steps={c.Steps}");
    }
}

return status;
