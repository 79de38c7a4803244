using Pipelines.Captioning.Data;
using Pipelines.Captioning.Encoders;
using Pipelines.Captioning.Model;
using Pipelines.Captioning.Text;
using Pipelines.Captioning.Training;
using Rnn.Core;

namespace Pipelines.Captioning.Tests.Training;

/// <summary>Four fake "images" (random 512-value feature vectors), each with its own caption.</summary>
internal static class TinyTask
{
    public static readonly string[] Captions =
    [
        "a dog runs on the grass", "two children play in the water", "a man rides a red bike", "a cat sleeps",
    ];

    public static CaptionedImage[] Images => Captions.Select((c, i) => new CaptionedImage($"img{i}.jpg", [c], "train"))
        .ToArray();

    public static FeatureStore Store()
    {
        var rng = new Rng(7);
        var data = new float[Captions.Length * ResNet18Encoder.Features];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = rng.Uniform(-1f, 1f);
        }

        return new FeatureStore(ResNet18Encoder.Features, Images.Select(i => i.Image).ToArray(), data,
            new Dictionary<string, string>());
    }

    public static CaptionModel Model(ulong seed = 3) => new(new CaptionModelConfig
    {
        Embed = 16,
        Hidden = 32,
        Dropout = 0f,
        MaxLength = 10,
        Vocabulary = Vocabulary.Build(Captions.Select(CaptionTokenizer.Tokenize), 1),
    }, new Rng(seed));
}
