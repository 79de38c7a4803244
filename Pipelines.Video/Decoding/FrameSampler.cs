namespace Pipelines.Video.Decoding;

/// <summary>
/// Decides, frame by frame as they are decoded, which ones to deliver: the start time, then
/// every n-th frame (stride) or one frame per 1/fps seconds of timestamp. Pure logic, so the
/// reader can skip the costly pixel retrieval of frames it drops.
/// </summary>
internal sealed class FrameSampler
{
    private readonly VideoReadOptions options;
    private int afterStart;       // decoded frames at or after the start time
    private double nextTime;      // fps sampling: earliest timestamp of the next delivered frame
    private int delivered;

    public FrameSampler(VideoReadOptions options)
    {
        this.options = options;
        nextTime = options.StartSeconds;
    }

    /// <summary>True once <see cref="VideoReadOptions.MaxFrames"/> frames were delivered.</summary>
    public bool Done => options.MaxFrames is { } max && delivered >= max;

    /// <summary>Frames delivered so far.</summary>
    public int Delivered => delivered;

    /// <summary>Whether the decoded frame with this timestamp is delivered; call once per frame, in order.</summary>
    public bool Take(double timeSeconds)
    {
        if (Done || timeSeconds < options.StartSeconds - 1e-6)
        {
            return false;
        }

        bool take;
        if (options.Fps is { } fps)
        {
            // Half a millisecond of slack: container timestamps are rounded to the stream time base.
            take = timeSeconds >= nextTime - 5e-4;
            if (take)
            {
                double period = 1.0 / fps;
                // Skip whole periods the clip jumped over (a gap in a variable-rate stream) instead
                // of delivering a burst of frames to catch up.
                nextTime += period * Math.Max(1, Math.Floor((timeSeconds - nextTime + 5e-4) / period) + 1);
            }
        }
        else
        {
            take = afterStart % options.Stride == 0;
        }

        afterStart++;
        if (take)
        {
            delivered++;
        }

        return take;
    }
}
