namespace Rnn.Core.Cpu;

/// <summary>
/// Transposes of one row-major block, the layout changes between channels-first maps ([channels,
/// positions]) and channels-last rows ([positions, channels]).
/// </summary>
internal static class Transpose
{
    // Square tiles small enough that a tile's source rows and destination rows stay in L1.
    private const int Tile = 16;

    /// <summary>
    /// dst [cols, rows] at dstOffset = (or += when accumulate) the transpose of src [rows, cols] at srcOffset.
    /// </summary>
    public static void Block(
        float[] src, int srcOffset, int rows, int cols, float[] dst, int dstOffset, bool accumulate)
    {
        var from = src.AsSpan(srcOffset, rows * cols);
        var to = dst.AsSpan(dstOffset, rows * cols);
        for (int r0 = 0; r0 < rows; r0 += Tile)
        {
            int r1 = Math.Min(rows, r0 + Tile);
            for (int c0 = 0; c0 < cols; c0 += Tile)
            {
                int c1 = Math.Min(cols, c0 + Tile);
                for (int c = c0; c < c1; c++)
                {
                    var line = to.Slice(c * rows, rows);
                    for (int r = r0; r < r1; r++)
                    {
                        float v = from[r * cols + c];
                        line[r] = accumulate ? line[r] + v : v;
                    }
                }
            }
        }
    }
}
