using Pipelines.Captioning.Decoding;
using Pipelines.Captioning.Tests.Training;
using Pipelines.Captioning.Text;
using Rnn.Core;
using Rnn.Core.Autograd;

namespace Pipelines.Captioning.Tests.Decoding;

public sealed class BeamSearchTests
{
    [Test]
    public void WidthOneIsGreedyArgmax()
    {
        var model = TinyTask.Model(seed: 11);
        model.Eval();
        var store = TinyTask.Store();
        var features = Tensor.FromArray(store.Vector(0).ToArray(), 1, store.VectorSize);
        var beam = BeamSearch.Run(model, features, new BeamSearchOptions { BeamWidth = 1, MaxLength = 6 })[0];

        // Reference greedy loop written out here: argmax over words, never <pad>/<start>/<unk>.
        var state = model.Begin(features);
        int last = Vocabulary.Start;
        var words = new List<string>();
        for (int step = 0; step < 6; step++)
        {
            var (logits, next) = model.Step([last], state);
            var row = Ops.LogSoftmax(logits).ToArray();
            int best = Enumerable.Range(Vocabulary.End, row.Length - Vocabulary.End)
                .Where(w => w != Vocabulary.Unknown).MaxBy(w => row[w]);
            if (best == Vocabulary.End)
            {
                break;
            }

            words.Add(model.Config.Vocabulary.Word(best));
            (state, last) = (next, best);
        }

        Assert.That(beam.Tokens, Is.EqualTo(words));
    }

    [Test]
    public void WiderBeamsNeverScoreWorseInLogProbabilityThanGreedy()
    {
        var model = TinyTask.Model(seed: 5);
        model.Eval();
        var store = TinyTask.Store();
        var features = Tensor.FromArray(store.Vector(1).ToArray(), 1, store.VectorSize);
        var greedy = BeamSearch.Run(model, features, new BeamSearchOptions { BeamWidth = 1, LengthPenalty = 0 })[0];
        var wide = BeamSearch.Run(model, features, new BeamSearchOptions { BeamWidth = 8, LengthPenalty = 0 })[0];
        Assert.That(wide.LogProbability, Is.GreaterThanOrEqualTo(greedy.LogProbability - 1e-6));
    }

    [Test]
    public void TrigramBlockingRemovesRepeats()
    {
        // An untrained model loops; with blocking no trigram may occur twice.
        var model = TinyTask.Model(seed: 2);
        model.Eval();
        var features = Tensor.FromArray(new float[512], 1, 512);
        var blocked = BeamSearch.Run(model, features,
            new BeamSearchOptions { BeamWidth = 3, BlockRepeatedTrigrams = true, MaxLength = 10 })[0];
        var trigrams = Enumerable.Range(0, Math.Max(0, blocked.Tokens.Count - 2))
            .Select(i => string.Join(' ', blocked.Tokens.Skip(i).Take(3))).ToList();
        Assert.That(trigrams, Is.Unique);
    }

    [Test]
    public void ImagesSearchedTogetherGetTheCaptionsTheyGetAlone()
    {
        var model = TinyTask.Model(seed: 8);
        model.Eval();
        var store = TinyTask.Store();
        var all = Tensor.FromArray(Enumerable.Range(0, 4).SelectMany(i => store.Vector(i).ToArray()).ToArray(), 4, 512);
        var options = new BeamSearchOptions { BeamWidth = 3, MaxLength = 8 };
        var together = BeamSearch.Run(model, all, options);
        for (int i = 0; i < 4; i++)
        {
            var alone = BeamSearch.Run(model, Tensor.FromArray(store.Vector(i).ToArray(), 1, 512), options)[0];
            Assert.That(together[i].Tokens, Is.EqualTo(alone.Tokens), $"image {i}");
            Assert.That(together[i].LogProbability, Is.EqualTo(alone.LogProbability).Within(1e-4));
        }
    }

    [Test]
    public void LengthNormalisationFollowsWuEtAl()
    {
        Assert.That(BeamSearch.Normalise(-6.0, 7, 1f), Is.EqualTo(-3.0).Within(1e-12));   // (5+7)/6 = 2
        Assert.That(BeamSearch.Normalise(-6.0, 7, 0f), Is.EqualTo(-6.0));
    }
}
