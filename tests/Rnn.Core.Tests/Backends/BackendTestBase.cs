// Not "Rnn.Core.Tests.Backends": that namespace would hide the Rnn.Core.Backends class from the
// other test namespaces (the simd helper's conformance suite uses this namespace too).
namespace Rnn.Core.Tests.Conformance;

/// <summary>
/// Base of every backend conformance fixture: a derived fixture supplies the backend, so the
/// same cases run on the CPU paths here and on other backends in their own test projects.
/// </summary>
public abstract class BackendTestBase
{
    /// <summary>The backend under test; called once per test.</summary>
    protected abstract IBackend CreateBackend();
}
