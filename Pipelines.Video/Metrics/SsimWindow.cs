namespace Pipelines.Video.Metrics;

/// <summary>
/// SSIM of one plane with a separable Gaussian window (Wang et al., 2004). Local means, variances
/// and covariance come from filtering x, y, x^2, y^2 and xy with the same window; only positions
/// where the whole window fits count. Planes smaller than the window use a window as large as fits.
/// </summary>
internal static class SsimWindow
{
    private const int Size = 11;
    private const double Sigma = 1.5;
    private const double C1 = 0.01 * 0.01;
    private const double C2 = 0.03 * 0.03;

    public static double Plane(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int height, int width)
    {
        int size = Math.Min(Size, Math.Min(height, width));
        if (size % 2 == 0)
        {
            size--;   // an odd window that fits the plane
        }

        var kernel = Kernel(size);
        int outH = height - size + 1, outW = width - size + 1;
        var mx = Filter(x, default, height, width, kernel);
        var my = Filter(y, default, height, width, kernel);
        var sxx = Filter(x, x, height, width, kernel);
        var syy = Filter(y, y, height, width, kernel);
        var sxy = Filter(x, y, height, width, kernel);

        double sum = 0;
        for (int i = 0; i < outH * outW; i++)
        {
            double ux = mx[i], uy = my[i];
            double vx = sxx[i] - ux * ux, vy = syy[i] - uy * uy, cxy = sxy[i] - ux * uy;
            sum += (2 * ux * uy + C1) * (2 * cxy + C2) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
        }

        return sum / (outH * outW);
    }

    private static double[] Kernel(int size)
    {
        var k = new double[size];
        double total = 0;
        for (int i = 0; i < size; i++)
        {
            double d = i - size / 2;
            k[i] = Math.Exp(-d * d / (2 * Sigma * Sigma));
            total += k[i];
        }

        for (int i = 0; i < size; i++)
        {
            k[i] /= total;
        }

        return k;
    }

    /// <summary>'Valid' separable filtering of a (or a*b when b is given): [outH, outW].</summary>
    private static double[] Filter(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int height, int width, double[] k)
    {
        int size = k.Length, outH = height - size + 1, outW = width - size + 1;
        bool product = !b.IsEmpty;
        var rows = new double[height * outW];   // [height, outW] after the horizontal pass
        for (int r = 0; r < height; r++)
        {
            for (int c = 0; c < outW; c++)
            {
                double s = 0;
                for (int j = 0; j < size; j++)
                {
                    int at = r * width + c + j;
                    s += k[j] * (product ? (double)a[at] * b[at] : a[at]);
                }

                rows[r * outW + c] = s;
            }
        }

        var result = new double[outH * outW];   // [outH, outW]
        for (int r = 0; r < outH; r++)
        {
            for (int c = 0; c < outW; c++)
            {
                double s = 0;
                for (int j = 0; j < size; j++)
                {
                    s += k[j] * rows[(r + j) * outW + c];
                }

                result[r * outW + c] = s;
            }
        }

        return result;
    }
}
