using Pipelines.Speech.Data;
using Pipelines.Speech.Model;
using Pipelines.Speech.Tests.Support;
using Pipelines.Speech.Training;

namespace Pipelines.Speech.Tests.Model;

/// <summary>The committed models/speech-digits directory loads and recognises real digits.</summary>
public sealed class BundledDigitsModelTests
{
    [Test]
    public void LoadsAndRecognisesValidationClipsOfTrainingSpeakers()
    {
        string? dir = FindModel();
        if (dir is null) Assert.Inconclusive("models/speech-digits not found above the test directory");
        var model = AcousticModelDirectory.Load(dir!);
        Assert.That(model.Config.Features.SampleRate, Is.EqualTo(8000));
        Assert.That(model.Config.Vocabulary.Tokens, Has.Count.EqualTo(11));

        // Recording 0 of each digit by george: a speaker the model trained on, a recording it did not.
        var fsdd = FsddDigits.Open(TestData.Require("fsdd"));
        var clips = fsdd.Clips.Where(c => c.Speaker == "george" && c.Index == 0).ToArray();
        // Through the wrapper `transcribe` uses, so the model's preprocessing (padding too) applies.
        using var native = new NativeCtcModel(model);
        int right = 0;
        foreach (var clip in clips)
        {
            var output = native.Infer(fsdd.Samples(clip));
            int[] tokens = GreedyCtc.Collapse(output.LogProbs, output.Frames, output.Vocab, 0);
            if (tokens.SequenceEqual(new[] { clip.Digit + 1 })) right++;
        }

        // It gets 98.0% of the FSDD standard-split test clips; 8 of 10 leaves room without passing a
        // broken model.
        Assert.That(right, Is.GreaterThanOrEqualTo(8));
    }

    private static string? FindModel()
    {
        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d != null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "models", "speech-digits");
            if (Directory.Exists(candidate)) return candidate;
        }

        return null;
    }
}
