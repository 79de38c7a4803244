using Rnn.Core;
using Rnn.Core.Nn;
using Rnn.Core.Recurrent;
using RnnLayer = Rnn.Core.Recurrent.Rnn;

namespace Pipelines.Video.Emotion;

/// <summary>
/// The emotion classifier: a small CNN turns each 48x48 face crop into feature maps (stages of
/// 3x3 conv + batch norm + ReLU, then 2x2 max pool: 48 -> 6 with three stages), a ConvLSTM runs
/// over the sequence of maps, and a dense head gives class logits at EVERY step. The last step's
/// logits are the clip's label (many-to-one); the earlier ones label each prefix, which is what
/// a sliding window reads and what makes a single frame (a sequence of one) a valid input.
/// </summary>
/// <example>
/// <code>
/// var net = new EmotionNet(new EmotionNetOptions(), new Rng(1));
/// var logits = net.Forward(faces);   // faces [batch, time, 1, 48, 48] -> [batch, time, 7]
/// </code>
/// </example>
public sealed class EmotionNet : Module
{
    private readonly List<(Conv2D Conv, BatchNorm2D Norm, bool Pool)> convs = new();
    private readonly RnnLayer lstm;
    private readonly Dropout dropout1;
    private readonly Dense hidden;
    private readonly Dropout dropout2;
    private readonly Dense output;

    /// <summary>Builds the network with fresh weights.</summary>
    /// <param name="options">Sizes (validated).</param>
    /// <param name="rng">Initial weights and dropout masks.</param>
    public EmotionNet(EmotionNetOptions options, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        int inChannels = 1, index = 0;
        for (int stage = 0; stage < options.StageChannels.Count; stage++)
        {
            int channels = options.StageChannels[stage];
            for (int k = 0; k < options.StageConvs[stage]; k++, index++)
            {
                // No conv bias: batch norm's beta plays that role.
                var conv = AddModule($"conv{index}", new Conv2D(
                    inChannels, channels, 3, rng, padding: Conv2DSpec.SamePadding(3), useBias: false));
                var norm = AddModule($"norm{index}", new BatchNorm2D(channels, relu: true));
                convs.Add((conv, norm, k == options.StageConvs[stage] - 1));
                inChannels = channels;
            }
        }

        int map = options.MapSize;
        var cell = new ConvLstm2DCell(inChannels, options.LstmFilters, options.LstmKernel, rng, map, map);
        var sequence = new RnnOptions { ReturnSequences = true, Seed = rng.NextUInt64() };
        lstm = AddModule("lstm", new RnnLayer(cell, sequence));
        dropout1 = AddModule("dropout1", new Dropout(options.Dropout, rng.Fork()));
        hidden = AddModule("hidden", new Dense(
            options.LstmFilters * map * map, options.HeadHidden, rng, activation: UnaryOp.Relu));
        dropout2 = AddModule("dropout2", new Dropout(options.Dropout, rng.Fork()));
        output = AddModule("output", new Dense(options.HeadHidden, options.Classes, rng));
    }

    /// <summary>The sizes it was built with.</summary>
    public EmotionNetOptions Options { get; }

    /// <summary>Face sequences [batch, time, 1, size, size] -> logits [batch, time, classes].</summary>
    public Tensor Forward(Tensor faces)
    {
        int size = Options.ImageSize;
        if (faces.Rank != 5 || faces.Dim(2) != 1 || faces.Dim(3) != size || faces.Dim(4) != size)
        {
            throw new ArgumentException($"EmotionNet expects [batch, time, 1, {size}, {size}]; got {faces.Describe()}");
        }

        int batch = faces.Dim(0), time = faces.Dim(1);
        var x = Ops.Reshape(faces, batch * time, 1, size, size);   // [batch*time, 1, size, size]
        foreach (var (conv, norm, pool) in convs)
        {
            x = norm.Forward(conv.Forward(x));
            if (pool)
            {
                x = MaxPool2x2.Forward(x);   // [batch*time, channels, h/2, w/2]
            }
        }

        int map = Options.MapSize;
        x = Ops.Reshape(x, batch, time, x.Dim(1), map, map);   // [batch, time, channels, map, map]
        var h = lstm.Forward(x).Output;   // [batch, time, filters, map, map]
        var flat = Ops.Reshape(h, batch * time, Options.LstmFilters * map * map);
        var z = hidden.Forward(dropout1.Forward(flat));   // [batch*time, head]
        var logits = output.Forward(dropout2.Forward(z));   // [batch*time, classes]
        return Ops.Reshape(logits, batch, time, Options.Classes);
    }
}
