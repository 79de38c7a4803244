using Rnn.Core.Autograd;
using Rnn.Core.Optim;
using Rnn.Core.Recurrent;

namespace Rnn.Core.Training;

/// <summary>
/// One forward call of a recurrent model over a slice of the sequence: inputs
/// [batch, window, ...] and the states to start from (null: the model's zeros) give outputs
/// [batch, window, ...] and the final states.
/// </summary>
public delegate (Tensor Output, Tensor[] States) RecurrentForward(Tensor inputs, Tensor[]? states);

/// <summary>What a BPTT run over one batch of sequences did.</summary>
/// <param name="MeanLoss">Mean of the window losses.</param>
/// <param name="Updates">Optimizer steps taken (one per window).</param>
/// <param name="FinalStates">States after the last step, detached; pass them to the next run to carry on.</param>
public sealed record BpttResult(double MeanLoss, int Updates, Tensor[] FinalStates);

/// <summary>
/// Truncated backpropagation through time, BPTT(k2; k1) in the sense of Williams and Peng
/// (1990): every k1 steps the loss of those k1 newest steps is backpropagated over the last k2
/// steps (k2 &gt;= k1), and the parameters are updated. States cross window boundaries as values
/// (detached), so memory holds at most k2 steps of graph. With k1 = k2 the windows do not
/// overlap (the common "TBPTT with window k"); with k1 = k2 = time it is whole-sequence BPTT.
/// </summary>
/// <remarks>
/// When k2 &gt; k1 the last k2 - k1 steps of a window are run again at the start of the next
/// one, from the state saved before them: that forward repeats with the updated weights, which
/// is what lets the gradient of the new steps reach back k2 steps.
/// </remarks>
/// <example>
/// <code>
/// var bptt = new TruncatedBptt(k1: 20, k2: 40, clipGradientNorm: 1f);
/// var r = bptt.Run(lstm, head, x, null, (y, start) => MseLoss.Compute(y, Ops.Slice(target, 1, start, y.Dim(1))), opt);
/// </code>
/// </example>
public sealed class TruncatedBptt
{
    /// <summary>Creates the helper.</summary>
    /// <param name="k1">Steps between updates (and whose loss each update uses); &gt; 0.</param>
    /// <param name="k2">Steps the gradient flows back through; &gt;= k1.</param>
    /// <param name="clipGradientNorm">Clip each update's gradients to this global norm; null for none.</param>
    public TruncatedBptt(int k1, int k2, float? clipGradientNorm = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k1);
        if (k2 < k1)
        {
            throw new ArgumentOutOfRangeException(nameof(k2), $"k2 (backprop depth) must be >= k1 ({k1}); got {k2}");
        }

        if (clipGradientNorm is { } c && !(c > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(clipGradientNorm), $"must be > 0 or null; got {c}");
        }

        K1 = k1;
        K2 = k2;
        ClipGradientNorm = clipGradientNorm;
    }

    /// <summary>Steps between updates.</summary>
    public int K1 { get; }

    /// <summary>Backpropagation depth in steps.</summary>
    public int K2 { get; }

    /// <summary>Global-norm clip per update, or null.</summary>
    public float? ClipGradientNorm { get; }

    /// <summary>Whole-sequence BPTT: one update over all steps of <paramref name="inputs"/>.</summary>
    public static BpttResult RunWholeSequence(
        RecurrentForward forward, Tensor inputs, Tensor[]? initialStates, Func<Tensor, int, Tensor> loss,
        IOptimizer optimizer, float? clipGradientNorm = null)
    {
        int time = Math.Max(1, inputs.Dim(1));
        return new TruncatedBptt(time, time, clipGradientNorm).Run(forward, inputs, initialStates, loss, optimizer);
    }

    /// <summary>
    /// Runs a generic <see cref="Recurrent.Rnn"/> layer (with ReturnSequences) and an optional
    /// per-step head over the windows.
    /// </summary>
    /// <param name="rnn">The recurrent layer; must return sequences.</param>
    /// <param name="head">Maps the layer's output [batch, window, hidden] to predictions, or null.</param>
    /// <param name="inputs">[batch, time, ...features].</param>
    /// <param name="initialStates">States before step 0, or null for zeros.</param>
    /// <param name="loss">Loss of predictions [batch, n, ...] for steps start..start+n-1.</param>
    /// <param name="optimizer">Updated once per window.</param>
    public BpttResult Run(
        Recurrent.Rnn rnn, Func<Tensor, Tensor>? head, Tensor inputs, Tensor[]? initialStates,
        Func<Tensor, int, Tensor> loss, IOptimizer optimizer)
    {
        if (!rnn.Options.ReturnSequences || rnn.Options.Stateful || rnn.Options.GoBackwards)
        {
            throw new ArgumentException(
                "truncated BPTT needs an Rnn with ReturnSequences, not Stateful (states are carried here) " +
                $"and not GoBackwards; got {rnn.Options}");
        }

        return Run(
            (x, s) =>
            {
                RnnResult r = rnn.Forward(x, s);
                return (head is null ? r.Output : head(r.Output), r.States);
            },
            inputs, initialStates, loss, optimizer);
    }

    /// <summary>Runs the windows over one batch of long sequences, updating after each.</summary>
    /// <param name="forward">One forward call of the model over a slice of time.</param>
    /// <param name="inputs">[batch, time, ...features].</param>
    /// <param name="initialStates">States before step 0, or null for the model's zeros.</param>
    /// <param name="loss">
    /// Loss of outputs [batch, n, ...] for steps start..start+n-1 (slice targets with start).
    /// </param>
    /// <param name="optimizer">Updated once per window.</param>
    public BpttResult Run(
        RecurrentForward forward, Tensor inputs, Tensor[]? initialStates, Func<Tensor, int, Tensor> loss,
        IOptimizer optimizer)
    {
        if (inputs.Rank < 3)
        {
            throw new ArgumentException($"BPTT expects inputs [batch, time, ...features]; got {inputs.Describe()}");
        }

        int time = inputs.Dim(1);
        Tensor[]? startStates = initialStates;   // states at step windowStart
        Tensor[]? finalStates = initialStates;
        int windowStart = 0;
        double lossSum = 0;
        int updates = 0;
        for (int end = Math.Min(K1, time), done = 0; done < time; done = end, end = Math.Min(end + K1, time))
        {
            // The next window starts k2 steps before its end; its state is saved on the way.
            int nextEnd = Math.Min(end + K1, time);
            int nextStart = Math.Max(0, nextEnd - K2);
            var step = RunWindow(forward, inputs, windowStart, nextStart, end, done, startStates, loss, optimizer);
            lossSum += step.Loss;
            updates++;
            startStates = nextStart == windowStart ? startStates : step.StatesAtNextStart;
            finalStates = step.FinalStates;
            windowStart = nextStart;
        }

        var detached = (finalStates ?? Array.Empty<Tensor>()).Select(s => s.Clone()).ToArray();
        return new BpttResult(updates > 0 ? lossSum / updates : double.NaN, updates, detached);
    }

    private readonly record struct WindowResult(double Loss, Tensor[]? StatesAtNextStart, Tensor[] FinalStates);

    // One update: forward over [start, end) split at nextStart, loss on [lossFrom, end).
    private WindowResult RunWindow(
        RecurrentForward forward, Tensor inputs, int start, int nextStart, int end, int lossFrom,
        Tensor[]? states, Func<Tensor, int, Tensor> loss, IOptimizer optimizer)
    {
        optimizer.ZeroGrad();
        Tensor[]? atNextStart = null;
        double value;
        Tensor[] final;
        using (var tape = Tape.Begin())
        {
            var outputs = new List<Tensor>();
            Tensor[]? current = states;
            foreach (var (from, to) in Pieces(start, nextStart, end))
            {
                var (y, s) = forward(Ops.Slice(inputs, 1, from, to - from), current);   // [batch, to-from, ...]
                outputs.Add(y);
                current = s;
                if (to == nextStart)
                {
                    atNextStart = s.Select(t => t.Clone()).ToArray();   // detached copy
                }
            }

            var all = outputs.Count == 1 ? outputs[0] : Ops.Concat(outputs, 1);   // [batch, end-start, ...]
            var l = loss(Ops.Slice(all, 1, lossFrom - start, end - lossFrom), lossFrom);
            value = l.Item();
            tape.Backward(l);
            final = current!;
        }

        if (ClipGradientNorm is { } clip)
        {
            GradientClipping.ClipByGlobalNorm(optimizer.Parameters.Select(p => p.Parameter), clip);
        }

        optimizer.Step();
        return new WindowResult(value, atNextStart, final);
    }

    private static IEnumerable<(int From, int To)> Pieces(int start, int split, int end)
    {
        if (split > start && split < end)
        {
            yield return (start, split);
            yield return (split, end);
        }
        else
        {
            yield return (start, end);
        }
    }
}
