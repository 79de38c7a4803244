using System.Numerics.Tensors;

namespace Rnn.Core.Nn;

/// <summary>Weight initialisers, all drawing from a seeded <see cref="Rng"/>.</summary>
public static class Init
{
    /// <summary>
    /// Glorot/Xavier uniform: U(-a, a) with a = sqrt(6 / (fanIn + fanOut)) (Glorot and Bengio, 2010).
    /// </summary>
    public static Tensor GlorotUniform(IBackend backend, Rng rng, int fanIn, int fanOut, params int[] shape)
    {
        float a = MathF.Sqrt(6f / Math.Max(1, fanIn + fanOut));
        return rng.Uniform(backend, -a, a, shape);
    }

    /// <summary>
    /// A [rows, cols] matrix with orthonormal rows or columns (Saxe et al., 2014), the usual
    /// initialiser for recurrent weights: Gram-Schmidt on a Gaussian matrix, done in double.
    /// </summary>
    public static float[] Orthogonal(Rng rng, int rows, int cols, float gain = 1f)
    {
        bool tall = rows >= cols;
        int n = tall ? rows : cols;   // vector length
        int k = tall ? cols : rows;   // number of orthonormal vectors
        var q = new double[(long)k * n];   // [k, n], one orthonormal vector a row
        for (int i = 0; i < k; i++)
        {
            var v = q.AsSpan(i * n, n);
            for (int j = 0; j < n; j++)
            {
                v[j] = rng.Normal();
            }

            // Two passes of modified Gram-Schmidt keep float-level orthogonality; the dot products
            // and updates are vectorised, which keeps a 1024-unit cell's init well under a second.
            for (int pass = 0; pass < 2; pass++)
            {
                for (int p = 0; p < i; p++)
                {
                    var done = q.AsSpan(p * n, n);
                    double dot = TensorPrimitives.Dot<double>(v, done);
                    TensorPrimitives.MultiplyAdd<double>(done, -dot, v, v);
                }
            }

            TensorPrimitives.Divide<double>(v, TensorPrimitives.Norm<double>(v), v);
        }

        var result = new float[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                double value = tall ? q[(long)c * n + r] : q[(long)r * n + c];
                result[r * cols + c] = (float)(gain * value);
            }
        }

        return result;
    }
}
