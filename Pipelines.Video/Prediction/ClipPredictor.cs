using Pipelines.Video.Decoding;
using Pipelines.Video.Metrics;
using Rnn.Core;
using Rnn.Core.Autograd;

namespace Pipelines.Video.Prediction;

/// <summary>
/// Predicts the frames after K context frames of a real clip: decodes K + N frames from the start
/// time (converted to the model's colour and resized to its input size), runs the model on the
/// first K and scores its N frames, and the copy-last-frame baseline, against the N that followed.
/// </summary>
public static class ClipPredictor
{
    /// <summary>Runs the prediction.</summary>
    /// <param name="model">A trained predictor.</param>
    /// <param name="clip">The video file.</param>
    /// <param name="options">K, N, start and sampling.</param>
    /// <exception cref="VideoFormatException">
    /// Unreadable, corrupt or zero-frame clip, or fewer than K + N frames (said to be a truncated
    /// file when the reader found it cut short).
    /// </exception>
    public static ClipPrediction Predict(ConvLstmPredictor model, string clip, ClipPredictionOptions? options = null)
    {
        options ??= new ClipPredictionOptions();
        var c = model.Config;
        int k = options.ContextFrames ?? c.ContextFrames;
        int n = options.FutureFrames ?? c.FutureFrames;
        if (k < 1 || n < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), $"context and future frames must be >= 1; got {k}, {n}");
        }

        var read = new VideoReadOptions
        {
            Color = c.Channels == 1 ? FrameColor.Gray : FrameColor.Rgb,
            Width = c.FrameSize,
            Height = c.FrameSize,
            Stride = options.Stride,
            Fps = options.Fps,
            StartSeconds = options.StartSeconds,
            MaxFrames = k + n,
        };
        using var reader = VideoFrameReader.Open(clip, read);
        var frames = reader.ReadFrames().ToList();
        if (frames.Count < k + n)
        {
            // A cut-off file is not a short clip: say so, with where decoding stopped.
            string need = $"{k} context + {n} predicted frames need {k + n}";
            string from = options.StartSeconds > 0 ? $" from {options.StartSeconds:0.###} s" : "";
            throw new VideoFormatException(clip, reader.Truncation is { } cut
                ? $"the file appears truncated or corrupt: {cut}; {need}"
                : $"too short: {frames.Count} frame(s){from}, but {need}");
        }

        var planar = frames.Select(f => f.ToPlanar()).ToArray();   // each [channels, size, size]
        var context = planar[..k];
        var truth = planar[k..];
        var predicted = Run(model, context, n);

        int size = c.FrameSize;
        var scores = new ScoreAccumulator(n, c.Channels, size, size);
        scores.Add(Flat(predicted), Flat(truth));
        var baseline = new ScoreAccumulator(n, c.Channels, size, size);
        baseline.Add(Flat(Enumerable.Repeat(context[^1], n).ToArray()), Flat(truth));
        return new ClipPrediction(reader.Info, size, c.Channels, context, truth, predicted,
            frames.Select(f => f.TimeSeconds).ToArray(), scores.Result(), baseline.Result(), reader.Warnings.ToList());
    }

    private static float[][] Run(ConvLstmPredictor model, float[][] context, int n)
    {
        var c = model.Config;
        int frame = context[0].Length;
        var x = Backends.Default.FromArray(Flat(context),
            new[] { 1, context.Length, c.Channels, c.FrameSize, c.FrameSize });   // [1, K, channels, size, size]
        float[] y;
        using (Tape.NoGrad())
        {
            y = model.Predict(x, n).ToArray();   // [1, N, channels, size, size]
        }

        return Enumerable.Range(0, n).Select(t => y.AsSpan(t * frame, frame).ToArray()).ToArray();
    }

    private static float[] Flat(float[][] frames) => frames.SelectMany(f => f).ToArray();
}
