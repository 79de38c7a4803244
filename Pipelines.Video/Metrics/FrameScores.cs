namespace Pipelines.Video.Metrics;

/// <summary>Scores of predicted frames against the truth, averaged over sequences, one entry per future step.</summary>
/// <param name="MseSum">Per-frame squared error summed over pixels, per future step.</param>
/// <param name="MseMean">Per-frame squared error averaged over pixels, per future step.</param>
/// <param name="Ssim">Per-frame SSIM, per future step.</param>
public sealed record FrameScores(double[] MseSum, double[] MseMean, double[] Ssim)
{
    /// <summary>Summed-over-pixels MSE averaged over all future steps: the figure papers quote.</summary>
    public double MeanMseSum => MseSum.Average();

    /// <summary>Per-pixel MSE averaged over all future steps.</summary>
    public double MeanMseMean => MseMean.Average();

    /// <summary>SSIM averaged over all future steps.</summary>
    public double MeanSsim => Ssim.Average();
}
