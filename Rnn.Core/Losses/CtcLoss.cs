using Rnn.Core.Autograd;

namespace Rnn.Core.Losses;

/// <summary>
/// Connectionist temporal classification loss (Graves et al. 2006): -log of the total
/// probability of every frame alignment that collapses (merge repeats, drop blanks) to the
/// target. Takes raw logits and applies log-softmax inside; the forward-backward recursions
/// run in log space in double precision, one sample per parallel task.
/// </summary>
/// <example>
/// <code>
/// // logits [batch, time, classes]; class 0 is the blank
/// var loss = CtcLoss.Compute(logits, new[] { new[] { 3, 3, 5 }, new[] { 2 } }, inputLengths: new[] { 50, 32 });
/// </code>
/// </example>
public static class CtcLoss
{
    /// <summary>Computes the loss with targets given one array per sample.</summary>
    /// <param name="logits">[batch, time, classes] unnormalised scores.</param>
    /// <param name="targets">Per sample, its label sequence (no blanks); repeats are allowed.</param>
    /// <param name="inputLengths">Per sample, how many leading frames are real (&lt;= time).</param>
    /// <param name="options">Blank, reduction, zero-infinity; defaults when null.</param>
    public static Tensor Compute(Tensor logits, int[][] targets, int[] inputLengths, CtcOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        int[] flat = targets.SelectMany(t => t).ToArray();
        return Compute(logits, flat, targets.Select(t => t.Length).ToArray(), inputLengths, options);
    }

    /// <summary>Computes the loss with targets concatenated in one array (PyTorch's 1-D target form).</summary>
    /// <param name="logits">[batch, time, classes] unnormalised scores.</param>
    /// <param name="targets">All samples' labels one after another.</param>
    /// <param name="targetLengths">Per sample, how many labels of <paramref name="targets"/> are its own.</param>
    /// <param name="inputLengths">Per sample, how many leading frames are real (&lt;= time).</param>
    /// <param name="options">Blank, reduction, zero-infinity; defaults when null.</param>
    public static Tensor Compute(
        Tensor logits, int[] targets, int[] targetLengths, int[] inputLengths, CtcOptions? options = null)
    {
        options ??= new CtcOptions();
        var problem = CtcProblem.Create(logits, targets, targetLengths, inputLengths, options.Blank);
        bool tracking = Tape.IsTracking(logits);
        var be = logits.Backend;
        var logProbs = be.Allocate(new[] { problem.Batch * problem.Time, problem.Classes });   // [batch*time, classes]
        be.LogSoftmax(logits.View(problem.Batch * problem.Time, problem.Classes), logProbs);
        float[] lp = logProbs.ToArray();

        // Per-sample gradient of the unreduced loss w.r.t. the logits, [batch, time, classes].
        float[]? grad = tracking ? new float[lp.Length] : null;
        var losses = new double[problem.Batch];
        Parallel.For(0, problem.Batch, b => losses[b] = CtcSample.Run(problem, lp, b, grad));

        var scale = new double[problem.Batch];
        for (int b = 0; b < problem.Batch; b++)
        {
            scale[b] = options.DivideByTargetLength ? 1.0 / Math.Max(1, targetLengths[b]) : 1.0;
            if (options.ZeroInfinity && double.IsPositiveInfinity(losses[b]))
            {
                losses[b] = 0;
                scale[b] = 0;
            }

            losses[b] *= scale[b];
        }

        var output = LossHelpers.Output(be, losses, options.Reduction, problem.Batch);
        if (grad is not null)
        {
            LossHelpers.Record(output, logits, () => ScaleGradient(output, grad, scale, problem, options.Reduction));
        }

        return output;
    }

    private static float[] ScaleGradient(
        Tensor output, float[] grad, double[] scale, CtcProblem problem, Reduction reduction)
    {
        var w = LossHelpers.UpstreamWeights(output, problem.Batch, reduction, problem.Batch);
        int perSample = problem.Time * problem.Classes;
        var result = new float[grad.Length];
        for (int b = 0; b < problem.Batch; b++)
        {
            float f = (float)(w[b] * scale[b]);
            if (f == 0f)
            {
                continue;   // also keeps zero-infinity samples' NaN gradients out
            }

            for (int i = b * perSample; i < (b + 1) * perSample; i++)
            {
                result[i] = f * grad[i];
            }
        }

        return result;
    }
}
