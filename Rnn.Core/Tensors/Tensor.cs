using Rnn.Core.Autograd;

namespace Rnn.Core;

/// <summary>
/// A float32, row-major, contiguous n-dimensional array living in a backend's storage,
/// with optional gradient tracking for autograd.
/// </summary>
/// <example>
/// <code>
/// var x = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);   // [2, 2]
/// var y = Ops.Tanh(x * x);                                         // element-wise
/// </code>
/// </example>
public sealed partial class Tensor : IDisposable
{
    private readonly int[] shape;
    private TensorStorage? storage;   // null once disposed

    /// <summary>Creates a tensor over existing storage (no copy). Prefer the factory methods.</summary>
    public Tensor(TensorStorage storage, ReadOnlySpan<int> shape, int offset = 0)
    {
        this.shape = shape.ToArray();
        Length = Rnn.Core.Shape.Size(shape);
        if (offset < 0 || offset + Length > storage.Length)
        {
            throw new ArgumentException(
                $"tensor of shape {Rnn.Core.Shape.Format(shape)} at offset {offset} does not fit " +
                $"in storage of {storage.Length} elements");
        }

        this.storage = storage;
        storage.Attach();
        Offset = offset;
    }

    /// <summary>The backend-owned buffer holding the elements.</summary>
    /// <exception cref="ObjectDisposedException">The tensor was disposed.</exception>
    public TensorStorage Storage => storage ?? throw new ObjectDisposedException(null,
        $"{Describe()} was disposed; its memory may already hold another tensor");

    /// <summary>True once <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => Volatile.Read(ref storage) is null;

    /// <summary>Element offset of this tensor inside <see cref="Storage"/> (non-zero for views).</summary>
    public int Offset { get; }

    /// <summary>The backend that runs every op on this tensor.</summary>
    public IBackend Backend => Storage.Backend;

    /// <summary>Dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => shape;

    /// <summary>A copy of the dimensions.</summary>
    public int[] ShapeArray => (int[])shape.Clone();

    /// <summary>Number of dimensions (0 for a scalar).</summary>
    public int Rank => shape.Length;

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>Size of one dimension; negative axes count from the end.</summary>
    public int Dim(int axis) => shape[Rnn.Core.Shape.Axis(axis, shape.Length)];

    /// <summary>Optional name, used in error messages and by <see cref="Nn.Parameter"/>.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// When true, ops recorded on an active <see cref="Tape"/> track this tensor and
    /// <see cref="Tape.Backward"/> accumulates its gradient into <see cref="Grad"/>.
    /// </summary>
    public bool RequiresGrad { get; set; }

    /// <summary>Accumulated gradient, same shape and backend, or null before any backward pass.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>Returns <see cref="Grad"/>, allocating a zero tensor first if there is none.</summary>
    public Tensor EnsureGrad()
    {
        DropDisposedGrad();
        Grad ??= Backend.Zeros(shape);
        return Grad;
    }

    /// <summary>Drops the gradient (the next backward pass starts from zero).</summary>
    public void ZeroGrad()
    {
        DropDisposedGrad();
        if (Grad is not null)
        {
            Backend.Fill(Grad, 0f);
        }
    }

    // A gradient its owner disposed (to free it early) is no gradient: the next pass starts a new one.
    private void DropDisposedGrad()
    {
        if (Grad is { IsDisposed: true })
        {
            Grad = null;
        }
    }

    /// <summary>Host span over the elements. Only CPU tensors have one.</summary>
    public Span<float> Span
    {
        get
        {
            if (Storage is CpuStorage cpu)
            {
                return cpu.Data.AsSpan(Offset, Length);
            }

            throw new InvalidOperationException(
                $"tensor {Describe()} lives on {Backend.Name}; copy it to the host with ToArray()");
        }
    }

    /// <summary>Copies the elements to a new host array.</summary>
    public float[] ToArray()
    {
        var result = new float[Length];
        Backend.CopyToHost(this, result);
        return result;
    }

    /// <summary>The single element of a one-element tensor.</summary>
    public float Item()
    {
        if (Length != 1)
        {
            throw new InvalidOperationException($"Item() needs one element; {Describe()} has {Length}");
        }

        return ToArray()[0];
    }

    /// <summary>A tensor of the same storage with another shape of equal size (no copy, no grad).</summary>
    public Tensor View(params int[] newShape)
    {
        int[] resolved = ResolveShape(newShape, Length);
        return new Tensor(Storage, resolved, Offset);
    }

    /// <summary>A view of elements [start, start + size of shape) of this tensor (no copy, no grad).</summary>
    public Tensor Slice(int start, params int[] newShape)
    {
        long size = Rnn.Core.Shape.Size(newShape);
        if (start < 0 || start + size > Length)
        {
            throw new ArgumentException(
                $"a slice of shape {Rnn.Core.Shape.Format(newShape)} at {start} does not fit in {Describe()} " +
                $"({Length} elements)");
        }

        return new(Storage, newShape, Offset + start);
    }

    /// <summary>A new tensor with the same elements on the same backend (no grad).</summary>
    public Tensor Clone()
    {
        var copy = Backend.Allocate(shape);
        Backend.Copy(this, copy);
        return copy;
    }

    /// <summary>
    /// Says this tensor will not be used again. Once every tensor over its storage (it and its
    /// views) is disposed, a CPU backend reuses the memory for its next allocation of the same
    /// size and the CUDA backend frees the device buffer, instead of the GC freeing it later.
    /// Its <see cref="Grad"/> goes with it. Not required: an undisposed tensor is collected as
    /// usual. Any use after this throws <see cref="ObjectDisposedException"/>; disposing again
    /// does nothing.
    /// </summary>
    /// <remarks>
    /// Only arrays of at least 85,000 bytes are kept (smaller ones the GC recycles cheaply), at most
    /// 4 of one size and 256 MB in all a backend. Do not dispose a tensor that a tape still needs for
    /// its backward pass, a parameter, or what a layer returned as its input itself (Dropout when
    /// not training returns its input).
    /// </remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref storage, null) is { } s)
        {
            s.Detach();
            Grad?.Dispose();
            Grad = null;
        }
    }

    /// <summary>Short text for errors and debugging: name, shape, backend.</summary>
    public string Describe() => $"{Name ?? "tensor"}{Rnn.Core.Shape.Format(shape)}";

    public override string ToString()
    {
        if (IsDisposed)
        {
            return $"{Describe()} (disposed)";
        }

        float[] data = ToArray();
        int shown = Math.Min(data.Length, 8);
        string head = string.Join(", ", data.Take(shown).Select(v => v.ToString("G4")));
        return $"{Describe()} {{{head}{(data.Length > shown ? ", ..." : "")}}}";
    }

    internal static int[] ResolveShape(int[] newShape, int length)
    {
        int[] resolved = (int[])newShape.Clone();
        int infer = Array.IndexOf(resolved, -1);
        if (infer >= 0)
        {
            int known = 1;
            for (int i = 0; i < resolved.Length; i++)
            {
                if (i != infer)
                {
                    known *= resolved[i];
                }
            }

            resolved[infer] = known == 0 ? 0 : length / known;
        }

        if (Rnn.Core.Shape.Size(resolved) != length)
        {
            throw new ArgumentException(
                $"cannot view {length} elements as {Rnn.Core.Shape.Format(newShape)}");
        }

        return resolved;
    }

    // ---- factories on the default backend ----

    /// <summary>A new tensor on <see cref="Backends.Default"/> holding a copy of the data.</summary>
    public static Tensor FromArray(float[] data, params int[] shape) =>
        Backends.Default.FromArray(data, shape.Length == 0 ? new[] { data.Length } : shape);

    /// <summary>A zero tensor on the default backend.</summary>
    public static Tensor Zeros(params int[] shape) => Backends.Default.Zeros(shape);

    /// <summary>A tensor filled with one value on the default backend.</summary>
    public static Tensor Full(float value, params int[] shape)
    {
        var t = Backends.Default.Allocate(shape);
        t.Backend.Fill(t, value);
        return t;
    }

    /// <summary>A scalar (rank-0) tensor on the default backend.</summary>
    public static Tensor Scalar(float value) => Backends.Default.FromArray(new[] { value }, Array.Empty<int>());
}
