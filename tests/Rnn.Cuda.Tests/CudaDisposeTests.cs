using Rnn.Core.Tests.Conformance;
using Rnn.Cuda;

namespace Rnn.Core.Tests.Cuda;

// Tensor.Dispose on the CUDA backend frees the device buffer as soon as the last tensor over it
// (the tensor or a view) is disposed, on ILGPU's CPU accelerator here as on a GPU.
public sealed class CudaDisposeTests
{
    [Test]
    public void TheDeviceBufferIsFreedWhenTheLastTensorOverItIsDisposed()
    {
        var be = SharedBackends.CpuSimulated;
        var t = be.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, new[] { 2, 3 });
        var storage = (CudaStorage)t.Storage;
        var view = t.View(3, 2);

        t.Dispose();
        Assert.That(storage.Buffer.IsDisposed, Is.False, "a view still uses the buffer");
        Assert.That(view.ToArray(), Is.EqualTo(new float[] { 1, 2, 3, 4, 5, 6 }));

        view.Dispose();
        Assert.That(storage.Buffer.IsDisposed, Is.True);
        Assert.That(() => view.ToArray(), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void ASumStillWorksAfterItsScratchTensorIsFreed()
    {
        var be = SharedBackends.CpuSimulated;
        var x = be.FromArray(Enumerable.Range(1, 100).Select(i => (float)i).ToArray(), new[] { 100 });

        Assert.That(be.Sum(x), Is.EqualTo(5050f));
        Assert.That(be.Sum(x), Is.EqualTo(5050f));
    }
}
