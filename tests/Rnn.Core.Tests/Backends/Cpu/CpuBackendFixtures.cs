namespace Rnn.Core.Tests.Conformance;

// The conformance suite on every CPU path. Explicit Avx2/Avx512 run even where the CPU lacks
// them (.NET emulates the vectors in software), so every path is checked on every machine.

[TestFixture]
public sealed class CpuScalarConformance : BackendConformanceTests
{
    protected override IBackend CreateBackend() => new CpuBackend(1, CpuSimd.Scalar);
}

[TestFixture]
public sealed class CpuAvx2Conformance : BackendConformanceTests
{
    protected override IBackend CreateBackend() => new CpuBackend(1, CpuSimd.Avx2);
}

[TestFixture]
public sealed class CpuAvx2TwoThreadConformance : BackendConformanceTests
{
    protected override IBackend CreateBackend() => new CpuBackend(2, CpuSimd.Avx2);
}

[TestFixture]
public sealed class CpuAvx512Conformance : BackendConformanceTests
{
    protected override IBackend CreateBackend() => new CpuBackend(1, CpuSimd.Avx512);
}

[TestFixture]
public sealed class CpuAutoTwoThreadConformance : BackendConformanceTests
{
    protected override IBackend CreateBackend() => new CpuBackend(2, CpuSimd.Auto);
}
