// Not "Rnn.Core.Tests.Backends": that namespace would hide the Rnn.Core.Backends class from every
// other test namespace under Rnn.Core.Tests.
namespace Rnn.Core.Tests.Conformance;

/// <summary>
/// Base of every backend test fixture: a fresh backend per test, seeded random tensors on it
/// (optionally at an offset inside a larger buffer, to catch kernels that ignore
/// Tensor.Offset), and comparisons against plain host reference values. Backend-agnostic so
/// that Rnn.Cuda.Tests can compile this folder with its own fixtures.
/// </summary>
public abstract class BackendTestBase
{
    /// <summary>The backend under test, created before each test.</summary>
    protected IBackend Backend { get; private set; } = null!;

    /// <summary>Creates the backend under test.</summary>
    protected abstract IBackend CreateBackend();

    [SetUp]
    public void CreateBackendForTest() => Backend = CreateBackend();

    /// <summary>Seeded uniform [low, high) host values.</summary>
    protected static float[] RandomArray(ulong seed, int length, float low = -1f, float high = 1f)
    {
        var rng = new Rng(seed);
        var data = new float[length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = rng.Uniform(low, high);
        }

        return data;
    }

    /// <summary>A tensor of the given host values on the backend under test.</summary>
    protected Tensor Make(float[] data, params int[] shape) => Backend.FromArray(data, shape);

    /// <summary>A seeded random tensor on the backend under test.</summary>
    protected Tensor Random(ulong seed, params int[] shape) => Make(RandomArray(seed, Shape.Size(shape)), shape);

    /// <summary>
    /// A seeded random tensor that starts <paramref name="offset"/> elements into its storage,
    /// with random guard values before and after (checked by <see cref="AssertGuardsIntact"/>).
    /// </summary>
    protected Tensor RandomAtOffset(ulong seed, int offset, params int[] shape)
    {
        int size = Shape.Size(shape);
        var whole = Make(RandomArray(seed, offset + size + Guard), offset + size + Guard);
        return new Tensor(whole.Storage, shape, whole.Offset + offset);
    }

    /// <summary>Guard elements after a tensor made by <see cref="RandomAtOffset"/>.</summary>
    protected const int Guard = 5;

    /// <summary>The host values of the whole storage behind a tensor (guards included).</summary>
    protected float[] StorageValues(Tensor t)
    {
        var whole = new Tensor(t.Storage, new[] { t.Storage.Length });
        return whole.ToArray();
    }

    /// <summary>Fails when elements of t's storage outside [t.Offset, t.Offset + t.Length) changed.</summary>
    protected void AssertGuardsIntact(Tensor t, float[] before)
    {
        var after = StorageValues(t);
        for (int i = 0; i < after.Length; i++)
        {
            bool inside = i >= t.Offset && i < t.Offset + t.Length;
            if (!inside && BitConverter.SingleToInt32Bits(after[i]) != BitConverter.SingleToInt32Bits(before[i]))
            {
                Assert.Fail($"element {i} outside the tensor [{t.Offset}, {t.Offset + t.Length}) was overwritten");
            }
        }
    }

    /// <summary>
    /// Asserts |expected - actual| &lt;= absTol + relTol * |expected| element-wise. Callers pass
    /// the tolerance their op needs and say why in a comment.
    /// </summary>
    protected static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual,
        float absTol, float relTol = 0f, string what = "")
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i];
            float a = actual[i];
            if (float.IsNaN(e) && float.IsNaN(a))
            {
                continue;
            }

            if (float.IsInfinity(e) && e == a)
            {
                continue;
            }

            float tol = absTol + relTol * MathF.Abs(e);
            if (!(MathF.Abs(e - a) <= tol))
            {
                Assert.Fail(
                    $"{what}: element {i} of {expected.Length}: expected {e:G9}, got {a:G9} (tolerance {tol:G3})");
            }
        }
    }

    /// <summary>Asserts a tensor's values against host reference values.</summary>
    protected static void AssertClose(ReadOnlySpan<float> expected, Tensor actual,
        float absTol, float relTol = 0f, string what = "") =>
        AssertClose(expected, actual.ToArray(), absTol, relTol, what);
}
