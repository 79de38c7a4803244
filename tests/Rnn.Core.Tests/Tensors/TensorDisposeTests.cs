using Rnn.Core.Cpu;
using Rnn.Core.Recurrent;
using RnnLayer = Rnn.Core.Recurrent.Rnn;

namespace Rnn.Core.Tests.Tensors;

// Tensor.Dispose: the memory of a disposed CPU tensor goes to its backend's pool once every
// tensor over it is disposed, and the next allocation of that size takes it.
public sealed class TensorDisposeTests
{
    private const int Large = 300 * 300;   // 360,000 bytes: on the large object heap

    private static float[] Raw(Tensor t) => ((CpuStorage)t.Storage).Data;

    [Test]
    public void ADisposedTensorRefusesEveryUseAndMayBeDisposedAgain()
    {
        var t = new CpuBackend(1).Allocate(new[] { 3, 4 });
        t.Name = "weights";
        t.Dispose();
        Assert.That(t.IsDisposed, Is.True);
        var e = Assert.Throws<ObjectDisposedException>(() => t.ToArray());
        Assert.That(e!.Message, Does.Contain("weights[3, 4] was disposed"));
        Assert.Throws<ObjectDisposedException>(() => _ = t.Span.Length);
        Assert.DoesNotThrow(t.Dispose);
    }

    [Test]
    public void TheNextAllocationOfTheSameSizeTakesTheMemory()
    {
        var be = new CpuBackend(1);
        var a = be.Allocate(new[] { 300, 300 });
        var array = Raw(a);
        a.Dispose();
        var b = be.Allocate(new[] { Large });
        Assert.That(Raw(b), Is.SameAs(array));
        Assert.That(be.HostArrays.Bytes, Is.Zero);

        // Zeros clears what the last tensor left there.
        be.Fill(b, 7f);
        b.Dispose();
        var z = be.Zeros(new[] { 900, 100 });
        Assert.That(Raw(z), Is.SameAs(array));
        Assert.That(z.ToArray(), Is.All.EqualTo(0f));

        // Another size does not take it.
        z.Dispose();
        Assert.That(Raw(be.Allocate(new[] { Large + 1 })), Is.Not.SameAs(array));
    }

    [Test]
    public void AViewKeepsTheMemoryUntilItIsDisposedToo()
    {
        var be = new CpuBackend(1);
        var a = be.FromArray(Enumerable.Range(0, Large).Select(i => (float)i).ToArray(), new[] { Large });
        var array = Raw(a);
        var view = a.Slice(10, 5);
        a.Dispose();
        var other = be.Allocate(new[] { Large });
        Assert.That(Raw(other), Is.Not.SameAs(array), "taken while a view still reads it");
        be.Fill(other, -1f);
        Assert.That(view.ToArray(), Is.EqualTo(new[] { 10f, 11f, 12f, 13f, 14f }));

        view.Dispose();
        Assert.That(Raw(be.Allocate(new[] { Large })), Is.SameAs(array));
    }

    [Test]
    public void SmallTensorsAndWorkspaceBuffersAreNotPooled()
    {
        var be = new CpuBackend(1);
        var small = be.Allocate(new[] { 1000 });
        small.Dispose();
        Assert.That(be.HostArrays.Bytes, Is.Zero, "a small array is the GC's");

        // A workspace lends arrays of the shared ArrayPool; disposing its tensor must not hand the
        // same array to the backend as well.
        var ws = new Workspace();
        var lent = ws.Take(be, 1 << 17);
        var array = Raw(lent);
        lent.Dispose();
        ws.Release();
        Assert.That(be.HostArrays.Bytes, Is.Zero);
        Assert.That(Raw(be.Allocate(new[] { 1 << 17 })), Is.Not.SameAs(array));
    }

    [Test]
    public void ATensorsGradientGoesWithIt()
    {
        var be = new CpuBackend(1);
        var y = be.Allocate(new[] { Large });
        var grad = y.EnsureGrad();
        y.Dispose();
        Assert.That(grad.IsDisposed, Is.True);
        Assert.That(y.Grad, Is.Null);
        Assert.That(be.HostArrays.Bytes, Is.EqualTo(2L * Large * sizeof(float)), "the tensor's and its gradient's");
    }

    [Test]
    public void ThePoolIsBounded()
    {
        var be = new CpuBackend(1);
        var tensors = Enumerable.Range(0, HostArrayPool.MaxPerLength + 3)
            .Select(_ => be.Allocate(new[] { Large })).ToList();
        tensors.ForEach(t => t.Dispose());
        Assert.That(be.HostArrays.Bytes, Is.EqualTo((long)HostArrayPool.MaxPerLength * Large * sizeof(float)));
    }

    // An inference loop that disposes each result allocates no new output: the steps write into
    // the memory of the last one, and the results stay right.
    [Test]
    public void ARecurrentLayerReusesTheOutputOfADisposedResult()
    {
        var be = new CpuBackend(2);
        var cell = new LstmCell(40, 192, new Rng(3), be);
        var layer = new RnnLayer(cell, new RnnOptions { ReturnSequences = true });
        var rng = new Rng(5);
        var x = be.FromArray(Enumerable.Range(0, 9 * 30 * 40).Select(_ => rng.Uniform(-1f, 1f)).ToArray(),
            new[] { 9, 30, 40 });
        var first = layer.Forward(x);
        float[] expected = first.Output.ToArray();
        float[] expectedH = first.States[0].ToArray();
        first.Dispose();

        long outputBytes = 9 * 30 * 192 * sizeof(float);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var second = layer.Forward(x);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.LessThan(outputBytes / 2), "the output was allocated anew");
        Assert.That(second.Output.ToArray(), Is.EqualTo(expected));
        Assert.That(second.States[0].ToArray(), Is.EqualTo(expectedH));
    }
}
