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

    // Found by a new-user trial: a tensor made over the storage of disposed tensors (the public
    // constructor, or a view racing a Dispose on another thread) shared its array with the next
    // allocation, which then handed it out a second time.
    [Test]
    public void NoTensorIsMadeOverMemoryAlreadyGivenBack()
    {
        var be = new CpuBackend(1);
        var a = be.Zeros(new[] { Large });
        var storage = a.Storage;
        a.Dispose();
        var e = Assert.Throws<ObjectDisposedException>(() => _ = new Tensor(storage, new[] { Large }));
        Assert.That(e!.Message, Does.Contain("every tensor over this storage was disposed"));
        Assert.That(be.HostArrays.Bytes, Is.EqualTo((long)Large * sizeof(float)), "given back once");
    }

    [Test]
    public void AViewMadeWhileAnotherThreadDisposesEitherFailsOrKeepsTheMemory()
    {
        var be = new CpuBackend(1);
        for (int i = 0; i < 2000; i++)
        {
            var t = be.Allocate(new[] { Large });
            var array = Raw(t);
            Tensor? view = null;
            using var start = new Barrier(2);
            var viewer = new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    view = t.View(Large);
                }
                catch (ObjectDisposedException)
                {
                }
            });
            viewer.Start();
            start.SignalAndWait();
            t.Dispose();
            viewer.Join();
            var next = be.Allocate(new[] { Large });
            if (view is not null)
            {
                Assert.That(Raw(next), Is.Not.SameAs(array), $"round {i}: handed out while a view holds it");
                view.Dispose();
            }

            next.Dispose();
        }
    }

    [Test]
    public void ASliceMustFitInTheTensorItIsTakenFrom()
    {
        var big = new CpuBackend(1).Zeros(new[] { 100 });
        var small = big.Slice(0, 10);
        var e = Assert.Throws<ArgumentException>(() => small.Slice(20, 5));
        Assert.That(e!.Message, Does.Contain("does not fit in tensor[10] (10 elements)"));
        Assert.That(small.Slice(5, 5).Length, Is.EqualTo(5));
    }

    [Test]
    public void ADisposedTensorPrintsAsDisposedAndItsMessageSaysItOnce()
    {
        var t = new CpuBackend(1).Zeros(new[] { 2, 2 });
        t.Name = "w";
        t.Dispose();
        Assert.That(t.ToString(), Is.EqualTo("w[2, 2] (disposed)"));
        var e = Assert.Throws<ObjectDisposedException>(() => t.ToArray());
        Assert.That(e!.Message, Is.EqualTo("w[2, 2] was disposed; its memory may already hold another tensor"));
    }

    [Test]
    public void ADisposedGradientIsDroppedNotUsed()
    {
        var p = new CpuBackend(1).Zeros(new[] { 16, 1 });
        p.EnsureGrad().Dispose();
        Assert.DoesNotThrow(p.ZeroGrad);
        Assert.That(p.Grad, Is.Null);
        Assert.That(p.EnsureGrad().ToArray(), Is.All.EqualTo(0f));
    }

    // Found by a new-user trial: on the step path the last output was the final h itself, and with
    // no steps the states were the caller's initial states, so disposing one took the other along.
    [Test]
    public void AResultsTensorsAreItsOwn()
    {
        var be = new CpuBackend(1);
        var layer = new RnnLayer(new SimpleRnnCell(8, 16, new Rng(2), backend: be),
            new RnnOptions { ReturnSequences = false });
        var x = be.Zeros(new[] { 2, 5, 8 });
        var r = layer.Forward(x);
        float[] h = r.States[0].ToArray();
        r.Output.Dispose();
        Assert.That(r.States[0].ToArray(), Is.EqualTo(h));

        var h0 = be.FromArray(Enumerable.Repeat(0.5f, 32).ToArray(), new[] { 2, 16 });
        layer.Forward(be.Zeros(new[] { 2, 0, 8 }), new[] { h0 }).Dispose();
        Assert.That(h0.IsDisposed, Is.False);
        Assert.That(h0.ToArray(), Is.All.EqualTo(0.5f));
    }

    // Found by a new-user trial: the fused sequences' own views (padding zeros of a GRU's outputs,
    // the input's rows) were never disposed, so neither the output nor the input ever reached the pool.
    [Test]
    public void ALayersOwnViewsDoNotKeepItsInputOrOutputFromThePool()
    {
        var be = new CpuBackend(1);
        var layer = new RnnLayer(new GruCell(40, 192, new Rng(3), resetAfter: true, be),
            new RnnOptions { ReturnSequences = true });
        var big = be.Zeros(new[] { 9, 60, 40 });   // 86,400 bytes: large enough to be pooled
        var r = layer.Forward(big, lengths: new[] { 60, 4, 17, 60, 1, 29, 8, 60, 12 });
        r.Dispose();
        long output = 9 * 60 * 192 * sizeof(float);
        Assert.That(be.HostArrays.Bytes, Is.EqualTo(output), "the output");
        big.Dispose();
        Assert.That(be.HostArrays.Bytes, Is.EqualTo(output + 9 * 60 * 40 * sizeof(float)), "and the input");
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
