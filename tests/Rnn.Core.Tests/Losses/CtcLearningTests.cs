using Rnn.Core.Losses;
using Rnn.Core.Nn;
using Rnn.Core.Optim;
using Rnn.Core.Recurrent;
using Rnn.Core.Training;
using RnnLayer = Rnn.Core.Recurrent.Rnn;

namespace Rnn.Core.Tests.Losses;

// A toy recognition task trained with CTC through the Trainer: frames are noisy one-hot codes
// of an unknown alignment of a label string (each label held 2-3 frames, blanks between), and
// the model must emit the string. Greedy decoding on held-out sequences must recover it.
public sealed class CtcLearningTests
{
    private const int Classes = 4;   // 0 = blank ("silence" frames), labels 1..3
    private const int MaxTime = 16;

    private sealed record Utterance(float[] Frames, int Length, int[] Labels);

    private static Utterance MakeUtterance(Rng rng)
    {
        var labels = Enumerable.Range(0, rng.NextInt(1, 4)).Select(_ => rng.NextInt(1, Classes)).ToArray();
        var path = new List<int>();
        path.AddRange(Enumerable.Repeat(0, rng.NextInt(0, 2)));
        for (int i = 0; i < labels.Length; i++)
        {
            // A repeated label needs a blank between its copies; others get one half the time.
            bool repeat = i > 0 && labels[i] == labels[i - 1];
            path.AddRange(Enumerable.Repeat(0, repeat ? 1 : rng.NextInt(0, 2)));
            path.AddRange(Enumerable.Repeat(labels[i], rng.NextInt(2, 4)));
        }

        path.AddRange(Enumerable.Repeat(0, rng.NextInt(0, 2)));
        var frames = new float[MaxTime * Classes];
        for (int t = 0; t < path.Count; t++)
        {
            for (int k = 0; k < Classes; k++)
            {
                frames[t * Classes + k] = (k == path[t] ? 1f : 0f) + 0.3f * rng.Normal();
            }
        }

        return new Utterance(frames, path.Count, labels);
    }

    private sealed record Batch(Tensor X, int[] Lengths, int[][] Labels);

    private static Batch Collate(IReadOnlyList<Utterance> us) => new(
        // [batch, time, features]
        Tensor.FromArray(us.SelectMany(u => u.Frames).ToArray(), us.Count, MaxTime, Classes),
        us.Select(u => u.Length).ToArray(),
        us.Select(u => u.Labels).ToArray());

    private sealed class Model : Module
    {
        public Model(Rng rng)
        {
            var options = new RnnOptions { ReturnSequences = true };
            Lstm = AddModule("lstm", new RnnLayer(new LstmCell(Classes, 16, rng), options));
            Head = AddModule("head", new Dense(16, Classes, rng));
        }

        public RnnLayer Lstm { get; }

        public Dense Head { get; }

        // [batch, time, classes]
        public Tensor Forward(Batch b) => Head.Forward(Lstm.Forward(b.X, lengths: b.Lengths).Output);
    }

    private static List<int> GreedyDecode(float[] logits, int sample, int length)
    {
        var best = new List<int>();
        for (int t = 0; t < length; t++)
        {
            int row = (sample * MaxTime + t) * Classes;
            int arg = 0;
            for (int k = 1; k < Classes; k++)
            {
                arg = logits[row + k] > logits[row + arg] ? k : arg;
            }

            best.Add(arg);
        }

        return CtcLossTests.Collapse(best, blank: 0);
    }

    [Test]
    public void LearnsToTranscribeToySequences()
    {
        var rng = new Rng(21);
        var train = Enumerable.Range(0, 192).Select(_ => MakeUtterance(rng)).ToList();
        var heldOut = Collate(Enumerable.Range(0, 64).Select(_ => MakeUtterance(rng)).ToList());
        var model = new Model(new Rng(22));
        var data = new ShuffledBatchSource<Utterance, Batch>(train, 16, seed: 23, Collate);
        var trainer = new Trainer<Batch>(
            model, new Adam(model.NamedParameters(), 0.03f),
            b => CtcLoss.Compute(model.Forward(b), b.Labels, b.Lengths),
            new TrainerOptions { Epochs = 12, ClipGradientNorm = 5f });
        var result = trainer.Fit(data);

        model.Eval();
        var logits = model.Forward(heldOut).ToArray();
        int exact = Enumerable.Range(0, 64)
            .Count(i => GreedyDecode(logits, i, heldOut.Lengths[i]).SequenceEqual(heldOut.Labels[i]));
        string losses = string.Join(", ", result.Epochs.Select(e => e.MeanLoss.ToString("F3")));
        Assert.That(exact, Is.GreaterThanOrEqualTo(58), $"exact transcripts out of 64; epoch losses {losses}");
    }
}
