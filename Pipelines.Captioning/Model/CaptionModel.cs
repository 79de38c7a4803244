using Pipelines.Captioning.Text;
using Rnn.Core;
using Rnn.Core.Autograd;
using Rnn.Core.Nn;
using Rnn.Core.Recurrent;
using RnnLayer = Rnn.Core.Recurrent.Rnn;

namespace Pipelines.Captioning.Model;

/// <summary>
/// Show and Tell (Vinyals et al., 2015): the image embedding is the first LSTM input, then the
/// word embeddings of &lt;start&gt;, w1, ..., wn; the output after each word predicts the next
/// word (softmax over the vocabulary) and the output after the image is not used. Optionally a
/// small CNN (<see cref="SmallCnn"/>) in front turns pixels into the image features; otherwise the
/// input vectors are precomputed ResNet-18 features.
/// </summary>
/// <example>
/// <code>
/// var model = new CaptionModel(config, new Rng(1));
/// var logits = model.Logits(vectors, inputs, lengths);   // [batch, steps, vocab]
/// </code>
/// </example>
public sealed class CaptionModel : Module
{
    private readonly SmallCnn? cnn;
    private readonly Dense imageProjection;
    private readonly Embedding embedding;
    private readonly RnnLayer[] lstm;
    private readonly Dense output;
    private readonly Rng dropoutRng;

    /// <summary>Creates the model with fresh weights.</summary>
    public CaptionModel(CaptionModelConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        if (config.TrainableEncoder)
        {
            cnn = AddModule("cnn", new SmallCnn(config.CnnChannels, rng));
        }

        imageProjection = AddModule("image_proj", new Dense(config.FeatureSize, config.Embed, rng));
        embedding = AddModule("embed", new Embedding(config.Vocabulary.Count, config.Embed, rng, Vocabulary.Pad));
        lstm = new RnnLayer[config.Layers];
        for (int i = 0; i < lstm.Length; i++)
        {
            int input = i == 0 ? config.Embed : config.Hidden;
            lstm[i] = AddModule($"lstm{i}", new RnnLayer(new LstmCell(input, config.Hidden, rng),
                new RnnOptions { ReturnSequences = true }));
        }

        output = AddModule("output", new Dense(config.Hidden, config.Vocabulary.Count, rng));
        dropoutRng = AddGenerator("dropout_rng", rng.Fork());
    }

    /// <summary>The configuration.</summary>
    public CaptionModelConfig Config { get; }

    /// <summary>Image features [batch, FeatureSize] from the cached vectors [batch, VectorSize].</summary>
    public Tensor Features(Tensor vectors)
    {
        if (cnn is null)
        {
            return vectors;
        }

        int size = Config.ImageSize;
        return cnn.Forward(Ops.Reshape(vectors, vectors.Dim(0), 3, size, size));   // [batch, channels]
    }

    /// <summary>
    /// Teacher-forced logits. <paramref name="inputs"/> is the [batch, steps] grid of word inputs
    /// (&lt;start&gt; then the caption, padded); <paramref name="lengths"/> counts the image step plus the
    /// valid word steps of each row. Returns [batch, steps, vocab]: row b, step t predicts word t+1.
    /// </summary>
    public Tensor Logits(Tensor vectors, int[] inputs, int[] lengths)
    {
        int batch = vectors.Dim(0);
        int steps = inputs.Length / batch;
        var image = Drop(imageProjection.Forward(Features(vectors)));   // [batch, embed]
        var words = embedding.Forward(inputs, batch, steps);   // [batch, steps, embed]
        var x = Ops.Concat([Ops.Reshape(image, batch, 1, Config.Embed), words], 1);   // [batch, 1 + steps, embed]
        for (int i = 0; i < lstm.Length; i++)
        {
            x = lstm[i].Forward(i == 0 ? x : Drop(x), lengths: lengths).Output;   // [batch, 1 + steps, hidden]
        }

        var afterWords = Ops.Slice(x, 1, 1, steps);   // [batch, steps, hidden]
        return output.Forward(Drop(afterWords));   // [batch, steps, vocab]
    }

    /// <summary>Feeds the image (inference): the state from which &lt;start&gt; is read next.</summary>
    public DecoderState Begin(Tensor features)
    {
        int rows = features.Dim(0);
        var be = features.Backend;
        var states = lstm.Select(l => l.Cell.InitialState(rows, be)).ToArray();
        RunCells(imageProjection.Forward(features), states);
        return new DecoderState(states);
    }

    /// <summary>Feeds one word per row; returns the next-word logits [rows, vocab] and the new state.</summary>
    public (Tensor Logits, DecoderState State) Step(int[] words, DecoderState state)
    {
        var states = state.Layers.Select(s => s.ToArray()).ToArray();
        var top = RunCells(embedding.Forward(words), states);   // [rows, hidden]
        return (output.Forward(top), new DecoderState(states));
    }

    private Tensor RunCells(Tensor input, Tensor[][] states)
    {
        var x = input;
        for (int i = 0; i < lstm.Length; i++)
        {
            var (h, next) = lstm[i].Cell.Step(x, states[i]);
            states[i] = next;
            x = h;
        }

        return x;
    }

    private Tensor Drop(Tensor x) => Training && Config.Dropout > 0f ? Ops.Dropout(x, Config.Dropout, dropoutRng) : x;
}
