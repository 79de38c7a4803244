namespace Pipelines.Video.Metrics;

/// <summary>Adds up per-step frame scores over many sequences; <see cref="Result"/> gives the averages.</summary>
public sealed class ScoreAccumulator
{
    private readonly double[] mseSum;
    private readonly double[] mseMean;
    private readonly double[] ssim;
    private readonly int channels;
    private readonly int height;
    private readonly int width;

    /// <summary>Scores <paramref name="steps"/> future frames of [channels, height, width].</summary>
    public ScoreAccumulator(int steps, int channels, int height, int width)
    {
        mseSum = new double[steps];
        mseMean = new double[steps];
        ssim = new double[steps];
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /// <summary>Sequences added so far.</summary>
    public int Sequences { get; private set; }

    /// <summary>Adds one sequence: predicted and true future frames, each [steps, channels, height, width].</summary>
    public void Add(ReadOnlySpan<float> prediction, ReadOnlySpan<float> truth)
    {
        int frame = channels * height * width;
        if (prediction.Length != mseSum.Length * frame || truth.Length != prediction.Length)
        {
            throw new ArgumentException(
                $"expected {mseSum.Length} frames of {frame} values; got {prediction.Length} and {truth.Length}");
        }

        for (int t = 0; t < mseSum.Length; t++)
        {
            var p = prediction.Slice(t * frame, frame);
            var y = truth.Slice(t * frame, frame);
            double sse = FrameMetrics.SumSquaredError(p, y);
            mseSum[t] += sse;
            mseMean[t] += sse / frame;
            ssim[t] += FrameMetrics.Ssim(p, y, channels, height, width);
        }

        Sequences++;
    }

    /// <summary>Averages over the sequences added.</summary>
    public FrameScores Result()
    {
        double n = Math.Max(1, Sequences);
        return new FrameScores(mseSum.Select(v => v / n).ToArray(), mseMean.Select(v => v / n).ToArray(),
            ssim.Select(v => v / n).ToArray());
    }
}
