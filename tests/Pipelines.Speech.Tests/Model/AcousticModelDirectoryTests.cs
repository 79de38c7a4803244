using Pipelines.Speech.Model;
using Pipelines.Speech.Tests.Support;
using Pipelines.Speech.Tests.Training;
using Rnn.Core;
using Rnn.Core.Serialization;

namespace Pipelines.Speech.Tests.Model;

public sealed class AcousticModelDirectoryTests
{
    [Test]
    public void SavedModelLoadsWithTheSameOutputsF32ExactlyF16Closely()
    {
        using var temp = new TempFiles();
        var config = ToneDigits.TinyConfig(FrontEndKind.Conv) with { Layers = 2 };
        var model = new AcousticModel(config, new Rng(8));
        var raw = config.Features.CreateExtractor().Compute(ToneDigits.Utterance(new Rng(9)).Samples);
        float[] expected = model.Infer(raw).LogProbs;

        string f32 = Path.Combine(temp.Folder, "f32"), f16 = Path.Combine(temp.Folder, "f16");
        AcousticModelDirectory.Save(f32, model);
        AcousticModelDirectory.Save(f16, model, SafeTensorDType.F16);
        Assert.That(AcousticModelDirectory.Load(f32).Infer(raw).LogProbs, Is.EqualTo(expected));
        Assert.That(AcousticModelDirectory.Load(f16).Infer(raw).LogProbs, Is.EqualTo(expected).Within(2e-2f));
        long size32 = new FileInfo(ModelIo.WeightsPath(f32)).Length;
        long size16 = new FileInfo(ModelIo.WeightsPath(f16)).Length;
        Assert.That(size16, Is.LessThan(size32 * 0.6));
    }

    [Test]
    public void MfccModelSavesItsFeaturesAndLoadsWithTheSameOutputs()
    {
        using var temp = new TempFiles();
        var tiny = ToneDigits.TinyConfig(FrontEndKind.Conv);
        var config = tiny with { Features = tiny.Features with { MelBands = 24, Mfcc = 10 } };
        var model = new AcousticModel(config, new Rng(3));
        var raw = config.Features.CreateExtractor().Compute(ToneDigits.Utterance(new Rng(4)).Samples);
        Assert.That(raw.Features, Is.EqualTo(10), "the extractor gives MFCCs, not the 24 bands");

        string dir = Path.Combine(temp.Folder, "mfcc");
        AcousticModelDirectory.Save(dir, model);
        var loaded = AcousticModelDirectory.Load(dir);
        Assert.That(loaded.Config.Features.Mfcc, Is.EqualTo(10));
        Assert.That(loaded.Config.Features.MelBands, Is.EqualTo(24));
        var again = loaded.Config.Features.CreateExtractor().Compute(ToneDigits.Utterance(new Rng(4)).Samples);
        Assert.That(loaded.Infer(again).LogProbs, Is.EqualTo(model.Infer(raw).LogProbs));

        // The log-mel bands themselves do not fit this model's input.
        var bands = tiny.Features with { MelBands = 24 };
        var melFrames = bands.CreateExtractor().Compute(ToneDigits.Utterance(new Rng(4)).Samples);
        Assert.That(() => loaded.Infer(melFrames), Throws.InstanceOf<ArgumentException>());
    }

    [Test]
    public void PaddedModelSavesItsPaddingAndMarksTheLeadInFrames()
    {
        using var temp = new TempFiles();
        var tiny = ToneDigits.TinyConfig(FrontEndKind.Conv);
        var config = tiny with { Features = tiny.Features with { PadSeconds = 0.16 } };
        var model = new AcousticModel(config, new Rng(3));
        string dir = Path.Combine(temp.Folder, "padded");
        AcousticModelDirectory.Save(dir, model);
        Assert.That(File.ReadAllText(Path.Combine(dir, "config.json")), Does.Contain("\"pad_seconds\": 0.16"));
        var loaded = AcousticModelDirectory.Load(dir);
        Assert.That(loaded.Config.Features.PadSeconds, Is.EqualTo(0.16));

        // The wrapper pads the audio, runs the model, and keeps every output frame: those of the
        // lead-in are counted (a bidirectional model may fire the first word there), not cut.
        float[] samples = ToneDigits.Utterance(new Rng(4)).Samples;
        var features = loaded.Config.Features;
        var whole = loaded.Infer(features.CreateExtractor().Compute(features.Pad(samples)));
        using var native = new NativeCtcModel(loaded);
        var output = native.Infer(samples);
        Assert.That(output.LogProbs, Is.EqualTo(whole.LogProbs));
        Assert.That(output.LeadInFrames, Is.EqualTo((int)Math.Round(0.16 / config.OutputFrameSeconds)));
        Assert.That(output.StartSeconds, Is.EqualTo(-0.16).Within(1e-9));
        Assert.That(native.Infer([]).Frames, Is.Zero, "no audio, no padding, no frames");
    }

    [Test]
    public void MalformedDirectoriesGiveErrorsNamingTheDirectory()
    {
        using var temp = new TempFiles();
        string missing = Path.Combine(temp.Folder, "nothing");
        var ex = Assert.Throws<FileNotFoundException>(() => AcousticModelDirectory.Load(missing));
        Assert.That(ex!.Message, Does.Contain("does not exist"));

        string dir = Path.Combine(temp.Folder, "model");
        var model = new AcousticModel(ToneDigits.TinyConfig(), new Rng(1));
        AcousticModelDirectory.Save(dir, model);
        File.Delete(ModelIo.WeightsPath(dir));
        ex = Assert.Throws<FileNotFoundException>(() => AcousticModelDirectory.Load(dir));
        Assert.That(ex!.Message, Does.Contain("no weights.safetensors"));

        // Weights of a differently sized model beside this config.
        ModelIo.SaveWeights(new AcousticModel(ToneDigits.TinyConfig() with { Hidden = 21 }, new Rng(1)),
            ModelIo.WeightsPath(dir));
        var bad = Assert.Throws<InvalidDataException>(() => AcousticModelDirectory.Load(dir));
        Assert.That(bad!.Message, Does.Contain(dir).And.Contain("mismatched"));

        File.WriteAllText(ModelIo.ConfigPath(dir), "{ \"format\": \"multimodal-model\", ");
        bad = Assert.Throws<InvalidDataException>(() => AcousticModelDirectory.Load(dir));
        Assert.That(bad!.Message, Does.Contain("not valid JSON"));

        File.WriteAllBytes(ModelIo.WeightsPath(dir), new byte[] { 1, 2, 3 });
        AcousticModelDirectory.Save(Path.Combine(temp.Folder, "ok"), model);
        File.Copy(ModelIo.ConfigPath(Path.Combine(temp.Folder, "ok")), ModelIo.ConfigPath(dir), overwrite: true);
        Assert.That(() => AcousticModelDirectory.Load(dir), Throws.InstanceOf<InvalidDataException>());
    }
}
