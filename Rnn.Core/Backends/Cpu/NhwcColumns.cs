using System.Numerics.Tensors;

namespace Rnn.Core.Cpu;

/// <summary>
/// im2col for channels-last maps ([height, width, channels] a sample), stride 1, 'same' padding
/// of an odd square kernel, and its adjoint. Row p = (y, x) of a sample's column matrix
/// [height*width, k*k*channels] holds, for each kernel offset (i, j) in row-major order, the
/// channel vector at (y + i - k/2, x + j - k/2), or zeros where that falls outside the map.
/// </summary>
/// <remarks>
/// Channels-last is what makes the ConvLSTM sequence kernel one GEMM a step over every position
/// of every sample, against a weight packed once: [k*k*channels, out]. It also makes each kernel
/// row's piece of a column row one contiguous copy (the j offsets that land inside the map are
/// neighbours in the input row). A sample is one task (<see cref="ForkJoin"/>, nothing allocated
/// per call); the adjoint must stay per sample, since neighbouring positions add into the same
/// input elements.
/// </remarks>
internal sealed class NhwcColumns : IForkJoinBody
{
    private readonly int height, width, channels, kernel, threads;
    private float[] src = Array.Empty<float>();
    private float[] dst = Array.Empty<float>();
    private int srcOffset, dstOffset;
    private bool adjoint;

    public NhwcColumns(int height, int width, int channels, int kernel, int threads)
    {
        if (kernel <= 0 || kernel % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(kernel), $"'same' columns need an odd kernel; got {kernel}");
        }

        (this.height, this.width, this.channels) = (height, width, channels);
        (this.kernel, this.threads) = (kernel, threads);
    }

    /// <summary>Columns of the matrix: k*k*channels.</summary>
    public int Columns => kernel * kernel * channels;

    private int SampleLength => height * width * channels;

    private int ColumnSampleLength => height * width * Columns;

    /// <summary>col [samples*height*width, k*k*channels] = the columns of the maps at x[xOffset..].</summary>
    public void Gather(float[] x, int xOffset, int samples, float[] col, int colOffset)
    {
        (src, srcOffset, dst, dstOffset, adjoint) = (x, xOffset, col, colOffset, false);
        ForkJoin.Run(this, samples, threads);
    }

    /// <summary>dx[dxOffset..] += the columns folded back onto the maps (the adjoint of Gather).</summary>
    public void ScatterAdd(float[] col, int colOffset, int samples, float[] dx, int dxOffset)
    {
        (src, srcOffset, dst, dstOffset, adjoint) = (col, colOffset, dx, dxOffset, true);
        ForkJoin.Run(this, samples, threads);
    }

    void IForkJoinBody.Run(int task)
    {
        if (adjoint)
        {
            ScatterSample(src.AsSpan(srcOffset + task * ColumnSampleLength, ColumnSampleLength),
                dst.AsSpan(dstOffset + task * SampleLength, SampleLength));
        }
        else
        {
            GatherSample(src.AsSpan(srcOffset + task * SampleLength, SampleLength),
                dst.AsSpan(dstOffset + task * ColumnSampleLength, ColumnSampleLength));
        }
    }

    private void GatherSample(ReadOnlySpan<float> x, Span<float> col)
    {
        int half = kernel / 2;
        int piece = kernel * channels;   // one kernel row of a column row
        for (int y = 0; y < height; y++)
        {
            for (int xp = 0; xp < width; xp++)
            {
                var row = col.Slice((y * width + xp) * Columns, Columns);
                var (j0, j1) = InsideColumns(xp);
                for (int i = 0; i < kernel; i++)
                {
                    var part = row.Slice(i * piece, piece);
                    int sy = y + i - half;
                    if (sy < 0 || sy >= height)
                    {
                        part.Clear();
                        continue;
                    }

                    part[..(j0 * channels)].Clear();
                    x.Slice((sy * width + xp + j0 - half) * channels, (j1 - j0) * channels)
                        .CopyTo(part[(j0 * channels)..]);
                    part[(j1 * channels)..].Clear();
                }
            }
        }
    }

    private void ScatterSample(ReadOnlySpan<float> col, Span<float> dx)
    {
        int half = kernel / 2;
        int piece = kernel * channels;
        for (int y = 0; y < height; y++)
        {
            for (int xp = 0; xp < width; xp++)
            {
                var row = col.Slice((y * width + xp) * Columns, Columns);
                var (j0, j1) = InsideColumns(xp);
                for (int i = 0; i < kernel; i++)
                {
                    int sy = y + i - half;
                    if (sy < 0 || sy >= height)
                    {
                        continue;
                    }

                    var into = dx.Slice((sy * width + xp + j0 - half) * channels, (j1 - j0) * channels);
                    TensorPrimitives.Add(into, row.Slice(i * piece + j0 * channels, into.Length), into);
                }
            }
        }
    }

    // The kernel columns j in [j0, j1) whose input column xp + j - k/2 lies inside the map.
    private (int J0, int J1) InsideColumns(int xp)
    {
        int half = kernel / 2;
        return (Math.Max(0, half - xp), Math.Min(kernel, width + half - xp));
    }
}
