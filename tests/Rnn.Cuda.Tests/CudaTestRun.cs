using Rnn.Core.Tests.Conformance;

// Outside any namespace on purpose: a SetUpFixture applies to the tests of its namespace, and the
// shared backends serve every namespace of this assembly, so they may be freed only at its end.

/// <summary>Frees the shared backends after the last test of the assembly.</summary>
[SetUpFixture]
public sealed class CudaTestRun
{
    [OneTimeTearDown]
    public void DisposeBackends() => SharedBackends.DisposeAll();
}
