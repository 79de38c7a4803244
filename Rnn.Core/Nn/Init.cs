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
        var q = new double[k, n];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < n; j++)
            {
                q[i, j] = rng.Normal();
            }

            // Two passes of modified Gram-Schmidt keep float-level orthogonality.
            for (int pass = 0; pass < 2; pass++)
            {
                for (int p = 0; p < i; p++)
                {
                    double dot = 0;
                    for (int j = 0; j < n; j++)
                    {
                        dot += q[i, j] * q[p, j];
                    }

                    for (int j = 0; j < n; j++)
                    {
                        q[i, j] -= dot * q[p, j];
                    }
                }
            }

            double norm = 0;
            for (int j = 0; j < n; j++)
            {
                norm += q[i, j] * q[i, j];
            }

            norm = Math.Sqrt(norm);
            for (int j = 0; j < n; j++)
            {
                q[i, j] /= norm;
            }
        }

        var result = new float[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                result[r * cols + c] = (float)(gain * (tall ? q[c, r] : q[r, c]));
            }
        }

        return result;
    }
}
