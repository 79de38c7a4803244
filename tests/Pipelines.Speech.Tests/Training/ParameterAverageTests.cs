using Pipelines.Speech.Model;
using Pipelines.Speech.Training;
using Rnn.Core;

namespace Pipelines.Speech.Tests.Training;

public sealed class ParameterAverageTests
{
    [Test]
    public void CopyToLoadsTheMeanOfTheAddedWeights()
    {
        var config = ToneDigits.TinyConfig();
        var model = new AcousticModel(config, new Rng(1));
        var first = model.NamedParameters().Select(p => p.Parameter.Value.ToArray()).ToArray();
        var average = new ParameterAverage(model);
        average.Add();

        // Second set: another initialisation loaded into the same model.
        var other = new AcousticModel(config, new Rng(2));
        var second = other.NamedParameters().Select(p => p.Parameter.Value.ToArray()).ToArray();
        foreach (var ((_, p), values) in model.NamedParameters().Zip(second)) p.Load(values);
        average.Add();

        var target = new AcousticModel(config, new Rng(3));
        average.CopyTo(target);
        Assert.That(average.Count, Is.EqualTo(2));
        int i = 0;
        foreach (var (path, p) in target.NamedParameters())
        {
            float[] expected = first[i].Zip(second[i], (a, b) => (a + b) / 2).ToArray();
            Assert.That(p.Value.ToArray(), Is.EqualTo(expected).Within(1e-6f), path);
            i++;
        }
    }

    [Test]
    public void EmptyAverageAndOtherLayoutsAreRefused()
    {
        var config = ToneDigits.TinyConfig();
        var average = new ParameterAverage(new AcousticModel(config, new Rng(1)));
        Assert.Throws<InvalidOperationException>(() => average.CopyTo(new AcousticModel(config, new Rng(1))));
        average.Add();
        var wider = config with { Hidden = config.Hidden + 4 };
        Assert.Throws<ArgumentException>(() => average.CopyTo(new AcousticModel(wider, new Rng(1))));
    }
}
