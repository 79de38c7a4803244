using System.Buffers;

namespace Rnn.Core.Cpu;

/// <summary>
/// op(B) of a GEMM packed once into the micro-kernel's panels, for many GEMMs that share that
/// B: a recurrent weight multiplies every step of a sequence, and packing it at each step cost
/// about a third of a batch-64 step. Valid only while B's values do not change (one forward or
/// one backward pass). Packing waits for the first product that needs panels, so a few-row
/// product (SmallGemm, which reads B in place) never pays for it. The buffer comes from
/// ArrayPool and goes back on Dispose.
/// </summary>
internal sealed class PackedB : IDisposable, IForkJoinBody
{
    private readonly object gate = new();
    private float[]? data;
    private int origin;
    private float[]? packing;   // the buffer PackOnce is filling, in packingParts parts
    private int packingParts;

    public PackedB(CpuSimd simd, bool transB, int n, int k, Tensor source, int sourceOffset, int ldb)
    {
        Simd = simd;
        TransB = transB;
        N = n;
        K = k;
        Source = source;
        SourceOffset = sourceOffset;
        Ldb = ldb;
    }

    public CpuSimd Simd { get; }

    public bool TransB { get; }

    /// <summary>Columns of op(B).</summary>
    public int N { get; }

    /// <summary>Rows of op(B) (the depth of the products).</summary>
    public int K { get; }

    /// <summary>The tensor B lives in, and where it starts in it.</summary>
    public Tensor Source { get; }

    public int SourceOffset { get; }

    public int Ldb { get; }

    /// <summary>
    /// The packed panels, packed on first use. The tasks of a parallel step may all ask at
    /// once; one of them packs while the others wait, so there is one buffer (two packings raced
    /// before, and the loser's 4 MiB buffer never went back to the pool: a new one each pass).
    /// </summary>
    public float[] Data => Volatile.Read(ref data) ?? PackOnce();

    /// <summary>
    /// Where the panels start in <see cref="Data"/>: its first 64-byte boundary
    /// (<see cref="PackedGemm.AlignedOrigin"/>).
    /// </summary>
    public int Origin
    {
        get
        {
            _ = Data;
            return origin;
        }
    }

    public void Dispose()
    {
        if (data is not null)
        {
            ArrayPool<float>.Shared.Return(data);
            data = null;
        }
    }

    /// <summary>
    /// Packs the panels now, split over <paramref name="threads"/> threads, unless they are packed
    /// already. For a caller about to start a parallel region whose tasks all need the panels
    /// at once: packed on first use there, one task packs while the others wait (a batch-1 LSTM
    /// of 256 units: about 0.1 ms of a 2.2 ms pass with one core idle).
    /// </summary>
    public void Prepack(int threads)
    {
        if (Volatile.Read(ref data) is null)
        {
            PackOnce(PackedGemm.PackParts(Simd, N, threads));
        }
    }

    // Part `task` of the panels, into the buffer being packed.
    void IForkJoinBody.Run(int task) => PackedGemm.PackAll(Simd, SourceArgs(), packing!, origin, task, packingParts);

    private GemmArgs SourceArgs()
    {
        var b = CpuBackend.Raw(Source);
        return new GemmArgs(false, TransB, 1, N, K, 1f, b, 0, 1, b, Source.Offset + SourceOffset, Ldb, 0f, b, 0, N);
    }

    private float[] PackOnce(int parts = 1)
    {
        lock (gate)
        {
            if (data is null)
            {
                // The origin is set before the buffer is published: a reader that sees the buffer
                // sees its origin.
                var buffer = PackedGemm.RentPanels(PackedGemm.PackedLength(Simd, N, K), out origin);
                (packing, packingParts) = (buffer, parts);
                try
                {
                    ForkJoin.Run(this, parts, parts);   // one part runs here, on this thread
                }
                finally
                {
                    packing = null;
                }

                Volatile.Write(ref data, buffer);
            }

            return data;
        }
    }
}
