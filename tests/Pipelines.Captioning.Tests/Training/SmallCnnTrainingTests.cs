using Pipelines.Captioning.Data;
using Pipelines.Captioning.Decoding;
using Pipelines.Captioning.Encoders;
using Pipelines.Captioning.Images;
using Pipelines.Captioning.Model;
using Pipelines.Captioning.Tests.Support;
using Pipelines.Captioning.Text;
using Pipelines.Captioning.Training;
using Rnn.Core;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipelines.Captioning.Tests.Training;

public sealed class SmallCnnTrainingTests
{
    [Test]
    public void TheSmallCnnTrainsEndToEndOnPixels()
    {
        // Two solid-colour pictures: only the CNN can tell them apart, so the right captions prove
        // that gradients reach its convolutions through the decoder.
        using var dir = new TempDir();
        var images = new[]
        {
            new CaptionedImage("red.png", ["a red square"], "train"),
            new CaptionedImage("blue.png", ["a blue square"], "train"),
        };
        TestImages.Solid(dir.Path, "red.png", new Rgb24(220, 20, 20));
        TestImages.Solid(dir.Path, "blue.png", new Rgb24(20, 20, 220));
        using var encoder = new PixelEncoder(16);
        var store = FeatureCache.Build(dir.File("cache"), encoder, new ImageLoader(),
            images.Select(i => new FeatureCache.Item(i.Image, dir.File(i.Image))).ToList());
        var config = new CaptionModelConfig
        {
            Encoder = PixelEncoder.KindName,
            ImageSize = 16,
            CnnChannels = [8, 16],
            Embed = 8,
            Hidden = 16,
            Dropout = 0f,
            MaxLength = 5,
            Vocabulary = Vocabulary.Build(images.SelectMany(i => i.Captions).Select(CaptionTokenizer.Tokenize), 1),
        };
        var model = new CaptionModel(config, new Rng(4));
        var result = new CaptionTrainer(new CaptionTrainerOptions
        {
            Epochs = 80, BatchSize = 2, LearningRate = 1e-2f, WarmupSteps = 0, Patience = 0,
            Validation = new BeamSearchOptions { BeamWidth = 1 },
        }).Fit(model, store, images, images);
        Assert.That(result.Best!.Bleu1, Is.EqualTo(1.0).Within(1e-9));
        Assert.That(model.NamedParameters().Any(p => p.Path.StartsWith("cnn.", StringComparison.Ordinal)), Is.True);
    }
}
