using Rnn.Core;
using Rnn.Core.Nn;
using Rnn.Core.Recurrent;
using RnnLayer = Rnn.Core.Recurrent.Rnn;

namespace Pipelines.Video.Prediction;

/// <summary>
/// The ConvLSTM encoder-forecaster of Shi et al. (2015), "Convolutional LSTM Network: A Machine
/// Learning Approach for Precipitation Nowcasting": frames are folded into patches
/// (<see cref="SpaceToDepth"/>), a stack of <see cref="ConvLstm2DCell"/> layers run by the generic
/// <see cref="RnnLayer"/> encodes the K context frames, a second stack starts from the encoder's
/// final states and unrolls N steps with no input, and a 1x1 convolution over all forecaster
/// layers' hidden states gives each predicted frame's logits, unfolded back to pixels.
/// </summary>
/// <remarks>
/// The paper feeds the forecaster nothing (<see cref="ForecasterInput.None"/>; our cell needs an
/// input tensor, so it reads one all-zero channel, which contributes only the gate biases). The
/// default, <see cref="ForecasterInput.PreviousFrame"/>, feeds it the previous frame instead
/// (closed loop), which learns much faster. Outputs are logits: apply a sigmoid for pixels in
/// [0, 1] (<see cref="Predict"/> does), train with binary cross-entropy on them as the paper does.
/// </remarks>
public sealed class ConvLstmPredictor : Module
{
    private readonly StackedRnn encoder;
    private readonly StackedRnn forecaster;
    private readonly Conv2D readout;

    /// <summary>Builds the model with weights drawn from <paramref name="rng"/>.</summary>
    public ConvLstmPredictor(PredictorConfig config, Rng rng, IBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        var be = backend ?? Backends.Default;
        int grid = config.GridSize;
        var sequences = new RnnOptions { ReturnSequences = true };

        var encoderLayers = new List<ISequenceLayer>();
        var forecasterLayers = new List<ISequenceLayer>();
        int encoderIn = config.FoldedChannels;
        int forecasterIn = config.ForecasterInput == ForecasterInput.None ? 1 : config.FoldedChannels;
        foreach (int filters in config.Hidden)
        {
            encoderLayers.Add(new RnnLayer(
                new ConvLstm2DCell(encoderIn, filters, config.Kernel, rng, grid, grid, be), sequences));
            forecasterLayers.Add(new RnnLayer(
                new ConvLstm2DCell(forecasterIn, filters, config.Kernel, rng, grid, grid, be), sequences));
            encoderIn = filters;
            forecasterIn = filters;
        }

        encoder = AddModule("encoder", new StackedRnn(encoderLayers));
        forecaster = AddModule("forecaster", new StackedRnn(forecasterLayers));
        readout = AddModule("readout", new Conv2D(config.Hidden.Sum(), config.FoldedChannels, 1, rng, backend: be));
    }

    /// <summary>The architecture.</summary>
    public PredictorConfig Config { get; }

    /// <summary>
    /// Logits of the next frames. <paramref name="context"/> is [batch, K, channels, size, size]
    /// with pixels in [0, 1]; the result is [batch, N, channels, size, size]. K and N default to
    /// the trained <see cref="PredictorConfig.ContextFrames"/> and <see cref="PredictorConfig.FutureFrames"/>
    /// but any K, N >= 1 run (the recurrence does not fix them); quality is only known for the trained ones.
    /// </summary>
    /// <param name="context">The frames read, [batch, K, channels, size, size].</param>
    /// <param name="futureFrames">N; null for the trained number.</param>
    /// <param name="teacher">
    /// Training only, closed loop only: scheduled sampling (Bengio et al., 2015). At each step the
    /// forecaster reads the true previous frame (from <see cref="TeacherForcing.Future"/>) with
    /// probability <see cref="TeacherForcing.Probability"/>, else its own prediction.
    /// </param>
    public Tensor Forward(Tensor context, int? futureFrames = null, TeacherForcing? teacher = null)
    {
        var c = Config;
        int n = futureFrames ?? c.FutureFrames;
        if (context.Rank != 5 || context.Dim(1) < 1 || context.Dim(2) != c.Channels
            || context.Dim(3) != c.FrameSize || context.Dim(4) != c.FrameSize || n < 1)
        {
            throw new ArgumentException(
                $"the predictor expects [batch, K >= 1, {c.Channels}, {c.FrameSize}, {c.FrameSize}] and N >= 1; " +
                $"got {context.Describe()} and N = {n}");
        }

        int batch = context.Dim(0);
        int k = context.Dim(1), grid = c.GridSize;
        var frames = Ops.Reshape(context, batch * k, c.Channels, c.FrameSize, c.FrameSize);
        var folded = Ops.Reshape(SpaceToDepth.Fold(frames, c.Patch),
            batch, k, c.FoldedChannels, grid, grid);                            // [batch, K, C*p*p, grid, grid]
        var states = encoder.Forward(folded).States;

        var logits = c.ForecasterInput == ForecasterInput.None
            ? OpenLoop(states, batch, n)
            : ClosedLoop(states, Ops.Select(folded, 1, k - 1), n, teacher);   // [batch, N, C*p*p, grid, grid]
        var pixels = SpaceToDepth.Unfold(
            Ops.Reshape(logits, batch * n, c.FoldedChannels, grid, grid), c.Patch);   // [batch*N, C, size, size]
        return Ops.Reshape(pixels, batch, n, c.Channels, c.FrameSize, c.FrameSize);
    }

    /// <summary>Predicted pixels in [0, 1] (sigmoid of <see cref="Forward"/>), same shape.</summary>
    /// <param name="context">The frames read, [batch, K, channels, size, size].</param>
    /// <param name="futureFrames">N; null for the trained number.</param>
    public Tensor Predict(Tensor context, int? futureFrames = null) => Ops.Sigmoid(Forward(context, futureFrames));

    private Tensor FoldFuture(Tensor future, int n)
    {
        var c = Config;
        if (future.Rank != 5 || future.Dim(1) != n)
        {
            throw new ArgumentException($"teacher frames must be [batch, {n}, ...]; got {future.Describe()}");
        }

        int batch = future.Dim(0), grid = c.GridSize;
        var frames = Ops.Reshape(future, batch * n, c.Channels, c.FrameSize, c.FrameSize);
        return Ops.Reshape(SpaceToDepth.Fold(frames, c.Patch), batch, n, c.FoldedChannels, grid, grid);
    }

    /// <summary>Shi et al.'s forecaster: every layer unrolls N steps over zeros from the encoder's states.</summary>
    private Tensor OpenLoop(Tensor[] encoderStates, int batch, int n)
    {
        var c = Config;
        int grid = c.GridSize;
        var x = encoderStates[0].Backend.Zeros(new[] { batch, n, 1, grid, grid });   // [batch, N, 1, grid, grid]
        var outputs = new List<Tensor>();
        for (int i = 0; i < forecaster.Layers.Count; i++)
        {
            var layerStates = new[] { encoderStates[2 * i], encoderStates[2 * i + 1] };   // h, c
            x = forecaster.Layers[i].Forward(x, layerStates).Output;   // [batch, N, F_i, grid, grid]
            outputs.Add(x);
        }

        var hidden = outputs.Count == 1 ? outputs[0] : Ops.Concat(outputs, 2);   // [batch, N, sum(F), grid, grid]
        var rows = Ops.Reshape(hidden, batch * n, c.Hidden.Sum(), grid, grid);
        return Ops.Reshape(readout.Forward(rows), batch, n, c.FoldedChannels, grid, grid);
    }

    /// <summary>
    /// The conditioned forecaster: one step at a time (each layer run by the generic Rnn layer
    /// over a one-step sequence, carrying its states), reading the previous frame, which is the
    /// last context frame first and then its own sigmoid prediction.
    /// </summary>
    private Tensor ClosedLoop(Tensor[] encoderStates, Tensor lastFrame, int n, TeacherForcing? teacher)
    {
        var c = Config;
        var truth = teacher is null ? null : FoldFuture(teacher.Future, n);   // [batch, N, C*p*p, grid, grid]
        int batch = lastFrame.Dim(0), grid = c.GridSize;
        var states = (Tensor[])encoderStates.Clone();
        var previous = lastFrame;                                  // [batch, C*p*p, grid, grid]
        var steps = new Tensor[n];
        for (int t = 0; t < n; t++)
        {
            var x = Ops.Reshape(previous, batch, 1, c.FoldedChannels, grid, grid);
            var hidden = new Tensor[forecaster.Layers.Count];
            for (int i = 0; i < hidden.Length; i++)
            {
                var result = forecaster.Layers[i].Forward(x, new[] { states[2 * i], states[2 * i + 1] });
                (states[2 * i], states[2 * i + 1]) = (result.States[0], result.States[1]);
                x = result.Output;                                                        // [batch, 1, F_i, grid, grid]
                hidden[i] = Ops.Reshape(x, batch, c.Hidden[i], grid, grid);
            }

            var joined = hidden.Length == 1 ? hidden[0] : Ops.Concat(hidden, 1);     // [batch, sum(F), grid, grid]
            steps[t] = readout.Forward(joined);                                          // [batch, C*p*p, grid, grid]
            previous = truth is not null && teacher!.Rng.NextFloat() < teacher.Probability
                ? Ops.Select(truth, 1, t)
                : Ops.Sigmoid(steps[t]);
        }

        return Ops.Stack(steps, 1);
    }
}
