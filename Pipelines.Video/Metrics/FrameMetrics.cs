namespace Pipelines.Video.Metrics;

/// <summary>
/// Per-frame image error measures on pixels in [0, 1]: squared error summed over the pixels (the
/// convention of the Moving-MNIST literature, e.g. Srivastava et al. 2015 and Shi et al. 2015
/// report "per-frame MSE" this way), its mean per pixel, and SSIM.
/// </summary>
public static class FrameMetrics
{
    /// <summary>Sum over all pixels (and channels) of (prediction - truth)^2.</summary>
    public static double SumSquaredError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> truth)
    {
        CheckSameLength(prediction, truth);
        double sum = 0;
        for (int i = 0; i < prediction.Length; i++)
        {
            double d = prediction[i] - truth[i];
            sum += d * d;
        }

        return sum;
    }

    /// <summary>Mean over all pixels (and channels) of (prediction - truth)^2.</summary>
    public static double MeanSquaredError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> truth) =>
        prediction.Length == 0 ? 0 : SumSquaredError(prediction, truth) / prediction.Length;

    /// <summary>
    /// Structural similarity (Wang, Bovik, Sheikh and Simoncelli, 2004) of two frames stored as
    /// [channels, height, width] in [0, 1]: an 11x11 Gaussian window with sigma 1.5,
    /// C1 = (0.01 L)^2, C2 = (0.03 L)^2 with L = 1, averaged over the 'valid' window positions and
    /// over channels (as scikit-image's structural_similarity with gaussian_weights=True).
    /// </summary>
    public static double Ssim(ReadOnlySpan<float> prediction, ReadOnlySpan<float> truth, int channels, int height,
        int width)
    {
        CheckSameLength(prediction, truth);
        if (channels * height * width != prediction.Length)
        {
            throw new ArgumentException(
                $"{prediction.Length} values are not {channels}x{height}x{width}");
        }

        int plane = height * width;
        double total = 0;
        for (int c = 0; c < channels; c++)
        {
            total += SsimWindow.Plane(prediction.Slice(c * plane, plane), truth.Slice(c * plane, plane), height, width);
        }

        return total / channels;
    }

    private static void CheckSameLength(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"prediction has {a.Length} values, truth {b.Length}");
        }
    }
}
