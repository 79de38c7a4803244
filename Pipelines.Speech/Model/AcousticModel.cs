using Pipelines.Speech.Features;
using Rnn.Core;
using Rnn.Core.Autograd;
using Rnn.Core.Nn;

namespace Pipelines.Speech.Model;

using Rnn.Core.Recurrent;

/// <summary>
/// CTC acoustic model: an optional front end that subsamples time (two strided convolutions,
/// or frame stacking with a projection), stacked (bi)directional GRU or LSTM layers from
/// Rnn.Core, and a Dense layer to vocabulary logits. Per-sample lengths follow the
/// subsampling, so padded frames neither update recurrent state nor reach the loss.
/// </summary>
/// <example>
/// <code>
/// var model = new AcousticModel(config, new Rng(7));
/// var fwd = model.Forward(features, lengths);          // logits [batch, time/4, vocab]
/// var loss = CtcLoss.Compute(fwd.Logits, targets, fwd.Lengths);
/// AcousticOutput output = model.Infer(logMel);          // log-probs [time/4, vocab]
/// </code>
/// </example>
public sealed class AcousticModel : Module
{
    private readonly Conv2D? conv1;
    private readonly Conv2D? conv2;
    private readonly Dense? stack;
    private readonly StackedRnn rnn;
    private readonly Dense output;

    /// <summary>Builds the layers <paramref name="config"/> describes, drawing weights from <paramref name="rng"/>.
    /// </summary>
    public AcousticModel(AcousticModelConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        config.Validate();
        Config = config;
        int mels = config.Features.FeatureCount;
        int features = mels;
        switch (config.FrontEnd)
        {
            case FrontEndKind.Conv:
                var spec = new Conv2DSpec(3, 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1);
                int c = config.ConvChannels;
                conv1 = AddModule("conv1", new Conv2D(1, c, spec, rng, activation: UnaryOp.Relu));
                conv2 = AddModule("conv2", new Conv2D(c, c, spec, rng, activation: UnaryOp.Relu));
                features = c * (((mels + 1) / 2 + 1) / 2);
                break;
            case FrontEndKind.Stack:
                stack = AddModule("stack", new Dense(
                    mels * config.StackFrames, config.StackProjection, rng, activation: UnaryOp.Relu));
                features = config.StackProjection;
                break;
        }

        rnn = AddModule("rnn", BuildRecurrent(config, features, rng));
        int width = config.Bidirectional ? 2 * config.Hidden : config.Hidden;
        output = AddModule("output", new Dense(width, config.Vocabulary.Count, rng));
    }

    /// <summary>The architecture, features and vocabulary of this model.</summary>
    public AcousticModelConfig Config { get; }

    /// <summary>
    /// Starts this model from another one's weights (pretraining, fine-tuning): every parameter
    /// whose name and shape match is copied, except the output layer, which is copied token by
    /// token: the row (and bias) of each of this vocabulary's tokens that the source has too,
    /// found by name (the blank by its index), so vocabularies in another order or with tokens
    /// added still keep what the source learnt; new tokens keep their own values, as does every
    /// parameter without a match.
    /// </summary>
    public WeightTransfer CopyWeightsFrom(AcousticModel source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var theirs = source.NamedParameters().ToDictionary(p => p.Path, p => p.Parameter);
        var copied = new List<string>();
        foreach (var (name, mine) in NamedParameters())
        {
            if (!name.StartsWith("output.", StringComparison.Ordinal) && theirs.TryGetValue(name, out var other)
                && other.Shape.SequenceEqual(mine.Shape))
            {
                mine.Load(other.Value.ToArray());
                copied.Add(name);
            }
        }

        int kept = CopyOutputRows(source);
        if (kept == Config.Vocabulary.Count)
        {
            copied.AddRange(new[] { "output.weight", "output.bias" });
        }

        return new WeightTransfer(copied, kept, Config.Vocabulary.Count);
    }

    // The output layer's row and bias of each token both vocabularies have; 0 when the layers'
    // input widths differ. Returns the tokens copied.
    private int CopyOutputRows(AcousticModel source)
    {
        if (output.Weight.Shape[1] != source.output.Weight.Shape[1]
            || (output.Bias is null) != (source.output.Bias is null))
        {
            return 0;
        }

        var (mine, theirs) = (Config.Vocabulary, source.Config.Vocabulary);
        int width = output.Weight.Shape[1];
        float[] weight = output.Weight.Value.ToArray(), theirWeight = source.output.Weight.Value.ToArray();
        float[]? bias = output.Bias?.Value.ToArray(), theirBias = source.output.Bias?.Value.ToArray();
        int kept = 0;
        for (int token = 0; token < mine.Count; token++)
        {
            int from = theirs.BlankIndex;
            if (token != mine.BlankIndex && !theirs.TryIndexOf(mine.Tokens[token], out from))
            {
                continue;
            }

            Array.Copy(theirWeight, from * width, weight, token * width, width);
            if (bias is not null)
            {
                bias[token] = theirBias![from];
            }

            kept++;
        }

        output.Weight.Load(weight);
        if (bias is not null)
        {
            output.Bias!.Load(bias);
        }

        return kept;
    }

    /// <summary>
    /// Runs a padded batch. <paramref name="features"/> is [batch, time, mels] (normalised);
    /// <paramref name="lengths"/> holds each sample's real frames (1..time).
    /// </summary>
    public AcousticForward Forward(Tensor features, int[] lengths)
    {
        int mels = Config.Features.FeatureCount;
        if (features.Rank != 3 || features.Dim(2) != mels)
        {
            throw new ArgumentException($"AcousticModel expects [batch, time, {mels}]; got {features.Describe()}");
        }

        int batch = features.Dim(0), time = features.Dim(1);
        CheckLengths(lengths, batch, time);
        var h = FrontEnd(features);                                       // [batch, time', features']
        int[] outLengths = lengths.Select(Config.OutputLength).ToArray();
        var seq = rnn.Forward(h, lengths: outLengths).Output;             // [batch, time', (2*)hidden]
        return new AcousticForward(output.Forward(seq), outLengths);      // [batch, time', vocab]
    }

    /// <summary>
    /// Log-probabilities of one utterance's raw (not yet normalised) log-mel frames; the
    /// model's normalisation is applied here. Runs in eval mode without recording gradients.
    /// </summary>
    public AcousticOutput Infer(FeatureMatrix rawLogMel)
    {
        ArgumentNullException.ThrowIfNull(rawLogMel);
        int vocab = Config.Vocabulary.Count;
        if (rawLogMel.Frames == 0)
        {
            return new AcousticOutput(Array.Empty<float>(), 0, vocab, Config.OutputFrameSeconds);
        }

        var normalised = Config.Features.Normalize(rawLogMel);
        bool wasTraining = Training;
        Eval();
        try
        {
            using (Tape.NoGrad())
            {
                var x = normalised.ToTensor().View(1, normalised.Frames, normalised.Features);   // [1, time, mels]
                var fwd = Forward(x, new[] { normalised.Frames });
                int frames = fwd.Lengths[0];
                var logProbs = Ops.LogSoftmax(fwd.Logits.View(frames, vocab));                 // [time', vocab]
                return new AcousticOutput(logProbs.ToArray(), frames, vocab, Config.OutputFrameSeconds);
            }
        }
        finally
        {
            Train(wasTraining);
        }
    }

    private Tensor FrontEnd(Tensor x)
    {
        int batch = x.Dim(0), time = x.Dim(1), mels = x.Dim(2);
        if (conv1 is not null && conv2 is not null)
        {
            var image = Ops.Reshape(x, batch, 1, time, mels);                  // [batch, 1, time, mels]
            var y = conv2.Forward(conv1.Forward(image));                       // [batch, channels, time/4, mels/4]
            int t = y.Dim(2), channels = y.Dim(1), bands = y.Dim(3);
            var timeMajor = Ops.Permute(y, 0, 2, 1, 3);                        // [batch, time/4, channels, mels/4]
            return Ops.Reshape(timeMajor, batch, t, channels * bands);         // [batch, time/4, channels*mels/4]
        }

        if (stack is not null)
        {
            int k = Config.StackFrames;
            int padded = (time + k - 1) / k * k;
            if (padded != time)
            {
                var zeros = x.Backend.Zeros(new[] { batch, padded - time, mels });  // [batch, pad, mels]
                x = Ops.Concat(new[] { x, zeros }, 1);                             // [batch, padded, mels]
            }

            return stack.Forward(Ops.Reshape(x, batch, padded / k, k * mels));    // [batch, time/k, projection]
        }

        return x;
    }

    private static StackedRnn BuildRecurrent(AcousticModelConfig config, int features, Rng rng)
    {
        var options = new RnnOptions { ReturnSequences = true, Seed = rng.NextUInt64() };
        var layers = new List<ISequenceLayer>();
        int input = features;
        for (int i = 0; i < config.Layers; i++)
        {
            layers.Add(config.Bidirectional
                ? new Bidirectional(Cell(config, input, rng), Cell(config, input, rng), options)
                : new Rnn(Cell(config, input, rng), options));
            input = config.Bidirectional ? 2 * config.Hidden : config.Hidden;
        }

        return new StackedRnn(layers, config.Dropout, rng.NextUInt64());
    }

    private static IRnnCell Cell(AcousticModelConfig config, int input, Rng rng) => config.Cell switch
    {
        RecurrentCellKind.Lstm => new LstmCell(input, config.Hidden, rng),
        _ => new GruCell(input, config.Hidden, rng),
    };

    private static void CheckLengths(int[] lengths, int batch, int time)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        if (lengths.Length != batch)
        {
            throw new ArgumentException($"expected {batch} lengths (one per sample); got {lengths.Length}");
        }

        for (int b = 0; b < batch; b++)
        {
            if (lengths[b] < 1 || lengths[b] > time)
            {
                throw new ArgumentException($"length of sample {b} must be in [1, {time}]; got {lengths[b]}");
            }
        }
    }
}
