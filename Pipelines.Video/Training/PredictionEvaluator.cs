using Pipelines.Video.Metrics;
using Pipelines.Video.Prediction;
using Rnn.Core;
using Rnn.Core.Autograd;

namespace Pipelines.Video.Training;

/// <summary>
/// Scores a predictor on fixed sequences, next to the copy-last-frame baseline (every future
/// frame predicted as the last context frame), which any useful model must beat.
/// </summary>
public static class PredictionEvaluator
{
    /// <summary>Model scores and baseline scores on the same sequences.</summary>
    /// <param name="model">The predictor (put in eval mode for the run).</param>
    /// <param name="sequences">Each [K + N, channels, size, size] in [0, 1].</param>
    /// <param name="batchSize">Sequences per forward pass.</param>
    /// <param name="progress">Receives the number of sequences done.</param>
    public static (FrameScores Model, FrameScores Baseline) Evaluate(ConvLstmPredictor model,
        IEnumerable<float[]> sequences, int batchSize = 16, IProgress<int>? progress = null)
    {
        var c = model.Config;
        int frame = c.Channels * c.FrameSize * c.FrameSize;
        var scores = new ScoreAccumulator(c.FutureFrames, c.Channels, c.FrameSize, c.FrameSize);
        var baseline = new ScoreAccumulator(c.FutureFrames, c.Channels, c.FrameSize, c.FrameSize);
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            int start = 0;
            foreach (var chunk in sequences.Chunk(batchSize))
            {
                var batch = MovingMnistBatches.Split(chunk, c.ContextFrames, c.FutureFrames, Backends.Default,
                    c.Channels);
                float[] predicted;
                using (Tape.NoGrad())
                {
                    predicted = model.Predict(batch.Context).ToArray();   // [batch, N, channels, size, size]
                }

                var truth = batch.Future.ToArray();
                var context = batch.Context.ToArray();
                int future = c.FutureFrames * frame;
                for (int b = 0; b < chunk.Length; b++)
                {
                    scores.Add(predicted.AsSpan(b * future, future), truth.AsSpan(b * future, future));
                    var last = context.AsSpan(((b + 1) * c.ContextFrames - 1) * frame, frame);
                    baseline.Add(Repeat(last, c.FutureFrames), truth.AsSpan(b * future, future));
                }

                start += chunk.Length;
                progress?.Report(start);
            }
        }
        finally
        {
            model.Train(wasTraining);
        }

        return (scores.Result(), baseline.Result());
    }

    private static float[] Repeat(ReadOnlySpan<float> frame, int times)
    {
        var data = new float[frame.Length * times];
        for (int t = 0; t < times; t++)
        {
            frame.CopyTo(data.AsSpan(t * frame.Length));
        }

        return data;
    }
}
