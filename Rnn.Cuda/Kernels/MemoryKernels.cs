using ILGPU;

namespace Rnn.Cuda.Kernels;

/// <summary>Kernels behind fill, strided block copies and axis permutation. One thread per element.</summary>
internal static class MemoryKernels
{
    public static void Fill(Index1D i, ArrayView<float> t, float value) => t[i] = value;

    /// <summary>Block b, element e: dst[dstOffset + b*dstStride + e] (+)= src[srcOffset + b*srcStride + e].</summary>
    public static void CopyBlocks(Index1D i, ArrayView<float> src, ArrayView<float> dst, BlockCopy p)
    {
        int b = i / p.BlockLength;
        int e = i - b * p.BlockLength;
        float v = src[p.SrcOffset + b * p.SrcStride + e];
        int d = p.DstOffset + b * p.DstStride + e;
        dst[d] = p.Accumulate != 0 ? dst[d] + v : v;
    }

    /// <summary>y[o] = x[source of o]: o is decomposed over y's shape, each index times x's stride for it.</summary>
    public static void Permute(Index1D o, ArrayView<float> x, ArrayView<float> y, int rank, Dims yShape, Dims srcStride)
    {
        int rest = o;
        int src = 0;
        for (int a = rank - 1; a >= 0; a--)
        {
            int dim = yShape.Get(a);
            int idx = rest % dim;
            rest /= dim;
            src += idx * srcStride.Get(a);
        }

        y[o] = x[src];
    }
}

/// <summary>Arguments of <see cref="MemoryKernels.CopyBlocks"/>.</summary>
internal struct BlockCopy
{
    public int SrcOffset, SrcStride, DstOffset, DstStride, BlockLength, Accumulate;
}
