namespace Rnn.Core.Tests.Conformance;

/// <summary>
/// The backend conformance suite: every <see cref="IBackend"/> method against plain host
/// reference code (<see cref="Reference"/>), on odd sizes and at storage offsets. Derive a
/// fixture and implement <see cref="BackendTestBase.CreateBackend"/> to run it on a backend.
/// </summary>
public abstract partial class BackendConformanceTests : BackendTestBase
{
}
