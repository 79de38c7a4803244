using Rnn.Core.Nn;

namespace Rnn.Core.Recurrent;

/// <summary>
/// Runs any <see cref="IRnnCell"/> over a sequence [batch, time, ...features]: returns every
/// step or the last valid one, the final states, honours initial states, reverse direction,
/// stateful calls, per-sample lengths or a mask (padded steps neither update the state nor emit
/// output, which is zero there, nor pass gradient), and variational input and recurrent dropout.
/// Built-in <see cref="LstmCell"/> and <see cref="GruCell"/> run through a fused sequence kernel
/// (one input GEMM for all steps, one GEMM plus one gate kernel per step, one tape entry with a
/// hand-written backward pass) unless <see cref="RnnOptions.AllowFused"/> is false, and so does
/// <see cref="ConvLstm2DCell"/> on the CPU backend (each convolution a GEMM over all positions);
/// both paths compute the same function.
/// </summary>
/// <remarks>
/// <para>Option support. Every option works with every cell on the step path. The fused path
/// (LstmCell, GruCell in both conventions, input [batch, time, features]; ConvLstm2DCell on the
/// CPU, input [batch, time, channels, height, width]) supports
/// ReturnSequences, GoBackwards, Stateful, initial states (with gradients),
/// lengths, masks, InputDropout and RecurrentDropout (the mask multiplies the h fed to W_hh,
/// as on the step path). SimpleRnnCell, custom cells, and ConvLstm2DCell on other backends
/// always run the step path.</para>
/// <para>The class shares its name with the root namespace <c>Rnn</c>: put
/// <c>using Rnn.Core.Recurrent;</c> after your (file-scoped) namespace line, or write
/// <c>Rnn.Core.Recurrent.Rnn</c>, or alias it (<c>using RnnLayer = Rnn.Core.Recurrent.Rnn;</c>);
/// a using directive at the top of the file loses to the namespace.</para>
/// </remarks>
/// <example>
/// <code>
/// var lstm = new Rnn(new LstmCell(16, 32, new Rng(1)), new RnnOptions { ReturnSequences = true });
/// var result = lstm.Forward(x, lengths: new[] { 10, 7 });   // x [2, 10, 16] -> [2, 10, 32]
/// </code>
/// </example>
public sealed class Rnn : Module, ISequenceLayer
{
    private readonly Rng rng;
    private Tensor[]? kept;
    private SequencePlan? unpaddedPlan;   // reused while calls without lengths or mask keep their sizes

    /// <summary>Wraps a cell; a cell that is a <see cref="Module"/> becomes child "cell".</summary>
    public Rnn(IRnnCell cell, RnnOptions? options = null)
    {
        Cell = cell ?? throw new ArgumentNullException(nameof(cell));
        Options = options ?? new RnnOptions();
        Options.Validate();
        rng = AddGenerator("dropout_rng", new Rng(Options.Seed));
        if (cell is Module module)
        {
            AddModule("cell", module);
        }
    }

    /// <summary>The cell run at every step.</summary>
    public IRnnCell Cell { get; }

    /// <summary>The layer's options.</summary>
    public RnnOptions Options { get; }

    /// <inheritdoc />
    public int StateCount => Cell.StateShapes.Count;

    /// <inheritdoc />
    public bool ReturnsSequences => Options.ReturnSequences;

    /// <summary>True when the last <see cref="Forward"/> call used the fused kernel (tests, logs).</summary>
    public bool LastCallFused { get; private set; }

    /// <summary>Forgets the states a stateful layer kept; the next call starts from zeros.</summary>
    public void ResetStates() => kept = null;

    /// <inheritdoc />
    public RnnResult Forward(Tensor x, Tensor[]? initialState = null, int[]? lengths = null, Tensor? mask = null)
    {
        if (x.Rank < 3)
        {
            throw new ArgumentException($"Rnn expects [batch, time, ...features]; got {x.Describe()}");
        }

        int batch = x.Dim(0);
        int time = x.Dim(1);
        var plan = PlanFor(batch, time, lengths, mask);
        if (Cell is IBuildableCell buildable)
        {
            buildable.Build(x.Shape[2..]);
        }

        var states = StartStates(batch, x, initialState);

        // Masks are drawn in this order on both paths, so a seed gives the same masks on either.
        var inputKeep = Training && Options.InputDropout > 0f
            ? KeepMask(x.Backend, Options.InputDropout, x.ShapeArray.Where((_, i) => i != 1).ToArray())
            : null;   // [batch, ...features]
        var recurrentKeep = Training && Options.RecurrentDropout > 0f
            ? KeepMask(x.Backend, Options.RecurrentDropout, new[] { batch }.Concat(Cell.StateShapes[0]).ToArray())
            : null;   // [batch, ...state 0]

        RnnResult result;
        LastCallFused = Options.AllowFused && time > 0 && (Cell switch
        {
            LstmCell or GruCell => x.Rank == 3,
            ConvLstm2DCell convLstm => ConvLstmSequence.Supports(convLstm, x),
            _ => false,
        });
        if (LastCallFused)
        {
            // [batch, time, ...features], the keep mask broadcast over time
            var input = inputKeep is null
                ? x
                : Ops.Mul(x, inputKeep.View(new[] { batch, 1 }.Concat(x.ShapeArray[2..]).ToArray()));
            bool seq = Options.ReturnSequences;
            result = Cell switch
            {
                LstmCell lstm => LstmSequence.Forward(lstm, input, states, plan, seq, recurrentKeep),
                GruCell gru => GruSequence.Forward(gru, input, states, plan, seq, recurrentKeep),
                _ => ConvLstmSequence.Forward((ConvLstm2DCell)Cell, input, states, plan, seq, recurrentKeep),
            };
        }
        else
        {
            result = RunSteps(x, states, plan, inputKeep, recurrentKeep);
        }

        result = Distinct(result, initialState);
        if (Options.Stateful)
        {
            kept = result.States.Select(Ops.Detach).ToArray();
        }

        return result;
    }

    // A result whose tensors are all its own: a state that is the output itself (the last output
    // of a cell whose output is h) or a caller's initial state (no steps) becomes a view of it, so
    // disposing one (RnnResult.Dispose) never takes another, or the caller's tensor, with it.
    private static RnnResult Distinct(RnnResult result, Tensor[]? initialState)
    {
        Tensor[]? states = null;
        for (int s = 0; s < result.States.Length; s++)
        {
            var state = result.States[s];
            bool shared = ReferenceEquals(state, result.Output) ||
                (initialState is not null && Array.Exists(initialState, i => ReferenceEquals(i, state))) ||
                result.States.Take(s).Any(other => ReferenceEquals(other, state));
            if (shared)
            {
                states ??= (Tensor[])result.States.Clone();
                states[s] = Ops.Reshape(state, state.ShapeArray);
            }
        }

        return states is null ? result : result with { States = states };
    }

    private RnnResult RunSteps(
        Tensor x, Tensor[] states, SequencePlan plan, Tensor? inputKeep, Tensor? recurrentKeep)
    {
        int batch = plan.Batch;
        int time = plan.Time;
        var be = x.Backend;
        int[] stepShape = x.ShapeArray.Where((_, i) => i != 1).ToArray();   // [batch, ...features]
        int features = global::Rnn.Core.Shape.Size(x.Shape[2..]);   // from the shape: batch or time may be 0
        var rows = Ops.Reshape(x, batch * time, features);   // [batch*time, features]

        var outputs = new Tensor[time];
        Tensor? last = null;
        for (int t = 0; t < time; t++)
        {
            var input = Ops.Gather(rows, plan.StepSource(t));   // [batch, features]
            if (inputKeep is not null)
            {
                input = Ops.Mul(input, inputKeep.View(input.ShapeArray));
            }

            var (output, next) = CallCell(Ops.Reshape(input, stepShape), states, recurrentKeep);
            if (!plan.StepAllValid[t])
            {
                // Padded samples keep their state and emit zeros; multiplying by the 0/1 mask also
                // stops any gradient from reaching the cell through them.
                output = Ops.Mul(output, plan.StepMask(t, output.Rank, be));
                for (int s = 0; s < next.Length; s++)
                {
                    var m = plan.StepMask(t, next[s].Rank, be);
                    next[s] = Ops.Add(states[s], Ops.Mul(m, Ops.Sub(next[s], states[s])));
                }

                var keep = plan.StepMask(t, output.Rank, be);
                last = last is null ? output : Ops.Add(last, Ops.Mul(keep, Ops.Sub(output, last)));
            }
            else
            {
                last = output;
            }

            outputs[t] = output;
            states = next;
        }

        var result = Options.ReturnSequences
            ? time > 0 ? Ops.Stack(outputs, 1) : EmptyOutput(batch, be, withTime: true)
            : last ?? EmptyOutput(batch, be, withTime: false);
        return new RnnResult(result, states);
    }

    // The plan of a call without lengths or mask depends on the sizes alone (plans are read-only),
    // so a training loop over same-sized batches builds it once instead of at every call.
    private SequencePlan PlanFor(int batch, int time, int[]? lengths, Tensor? mask)
    {
        if (lengths is not null || mask is not null)
        {
            return SequencePlan.Create(batch, time, lengths, mask, Options.GoBackwards);
        }

        if (unpaddedPlan is not { } p || p.Batch != batch || p.Time != time)
        {
            unpaddedPlan = SequencePlan.Create(batch, time, null, null, Options.GoBackwards);
        }

        return unpaddedPlan;
    }

    private (Tensor Output, Tensor[] States) CallCell(Tensor input, Tensor[] states, Tensor? recurrentKeep)
    {
        if (recurrentKeep is null)
        {
            return Cell.Step(input, states);
        }

        var dropped = Ops.Mul(states[0], recurrentKeep);
        if (Cell is IRecurrentDropoutCell cell)
        {
            return cell.Step(input, states, dropped);
        }

        // A cell that cannot take the dropped copy separately sees its first state dropped out.
        var copy = (Tensor[])states.Clone();
        copy[0] = dropped;
        return Cell.Step(input, copy);
    }

    private Tensor[] StartStates(int batch, Tensor x, Tensor[]? initialState)
    {
        var be = x.Backend;
        var shapes = Cell.StateShapes;
        var states = initialState ?? kept ?? Cell.InitialState(batch, be);
        if (states.Length != shapes.Count)
        {
            throw new ArgumentException(
                $"the cell has {shapes.Count} state(s); got {states.Length} initial state tensor(s)");
        }

        for (int i = 0; i < states.Length; i++)
        {
            var expected = new[] { batch }.Concat(shapes[i]).ToArray();
            if (!states[i].Shape.SequenceEqual(expected))
            {
                string hint = ReferenceEquals(states, kept)
                    ? " (kept by a stateful layer: call ResetStates())"
                    : "";
                string want = global::Rnn.Core.Shape.Format(expected);
                throw new ArgumentException($"state {i} must be {want}; got {states[i].Describe()}{hint}");
            }

            // Checked here for both paths: the fused kernels read a state on another CPU backend
            // object without complaint, where the step path's first op refuses it.
            if (!ReferenceEquals(states[i].Backend, be))
            {
                throw new ArgumentException(BackendChecks.BackendMismatch($"state {i}", states[i], "input", x));
            }
        }

        return states;
    }

    // The output of a zero-length sequence: [batch, 0, ...output] or zeros [batch, ...output].
    private Tensor EmptyOutput(int batch, IBackend be, bool withTime) =>
        be.Zeros((withTime ? new[] { batch, 0 } : new[] { batch }).Concat(Cell.OutputShape).ToArray());

    /// <summary>A per-sequence inverted-dropout multiplier: 0 with probability rate, else 1/(1-rate).</summary>
    private Tensor KeepMask(IBackend be, float rate, int[] shape)
    {
        var data = new float[global::Rnn.Core.Shape.Size(shape)];
        float scale = 1f / (1f - rate);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = rng.NextFloat() >= rate ? scale : 0f;
        }

        return be.FromArray(data, shape);
    }
}
