namespace Rnn.Core.Tests.Conformance;

/// <summary>
/// The backend conformance suite: every method of IBackend.cs, IBackend.Gemm.cs and
/// IBackend.Conv.cs against plain host reference code (<see cref="Reference"/>), on odd sizes
/// and at storage offsets (the recurrent and optimizer kernels have their own suites here). Derive a
/// fixture and implement <see cref="BackendTestBase.CreateBackend"/> to run it on a backend.
/// </summary>
/// <remarks>
/// Layout: the backend-agnostic files sit directly in tests/Rnn.Core.Tests/Backends, so another
/// test project reuses them with <c>&lt;Compile Include="../Rnn.Core.Tests/Backends/*.cs" /&gt;</c>
/// (not recursive) plus its own fixture; CPU-only fixtures and tests live in Backends/Cpu.
/// The cases are split by concern over BackendConformanceTests.*.cs, the host reference code
/// over Reference*.cs.
/// </remarks>
public abstract partial class BackendConformanceTests : BackendTestBase
{
}
