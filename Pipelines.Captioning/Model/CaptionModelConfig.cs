using System.Text.Json.Nodes;
using Pipelines.Captioning.Encoders;
using Pipelines.Captioning.Text;
using Rnn.Core.Serialization;

namespace Pipelines.Captioning.Model;

/// <summary>
/// What a caption model is: its encoder (the pretrained ONNX ResNet-18 or the project's small
/// CNN), the decoder sizes and the vocabulary. Saved as the config.json of a model directory.
/// </summary>
public sealed record CaptionModelConfig
{
    /// <summary>The architecture.type written into config.json.</summary>
    public const string ArchitectureType = "show-and-tell-lstm";

    /// <summary><see cref="ResNet18Encoder.KindName"/> or <see cref="PixelEncoder.KindName"/>.</summary>
    public string Encoder { get; init; } = ResNet18Encoder.KindName;

    /// <summary>Side of the square image input (224 for ResNet-18).</summary>
    public int ImageSize { get; init; } = ResNet18Encoder.InputSize;

    /// <summary>Output channels of each stride-2 conv layer of the small CNN (unused for ResNet-18).</summary>
    public IReadOnlyList<int> CnnChannels { get; init; } = [32, 64, 128, 256];

    /// <summary>Word and image embedding size.</summary>
    public int Embed { get; init; } = 256;

    /// <summary>LSTM hidden units per layer.</summary>
    public int Hidden { get; init; } = 512;

    /// <summary>Stacked LSTM layers (1 or 2).</summary>
    public int Layers { get; init; } = 1;

    /// <summary>Dropout on the image embedding, between layers and before the softmax (training only).</summary>
    public float Dropout { get; init; } = 0.3f;

    /// <summary>Longest caption generated, in words.</summary>
    public int MaxLength { get; init; } = 25;

    /// <summary>The tokens.</summary>
    public required Vocabulary Vocabulary { get; init; }

    /// <summary>True for the trainable small CNN encoder.</summary>
    public bool TrainableEncoder => Encoder == PixelEncoder.KindName;

    /// <summary>Image features the decoder reads: 512 for ResNet-18, the last CNN width otherwise.</summary>
    public int FeatureSize => TrainableEncoder ? CnnChannels[^1] : ResNet18Encoder.Features;

    // Caps far above any Show-and-Tell decoder (the paper used 512 units; ours 256 to 512), so a
    // config.json typo ("hidden": 100000000) is refused where it is read rather than met as an
    // out-of-memory error or a tensor over 2^31-1 elements while the model is built.

    /// <summary>Most embedding and LSTM units <see cref="Validate"/> accepts.</summary>
    public const int MaxUnits = 8192;

    /// <summary>Largest image side, and most channels of a small-CNN layer, <see cref="Validate"/> accepts.</summary>
    public const int MaxImageSize = 4096, MaxCnnChannels = 4096;

    /// <summary>Most small-CNN layers: each halves the image, and 2^12 is already the largest image side.</summary>
    public const int MaxCnnLayers = 12;

    /// <summary>Checks the values; throws with the bad one.</summary>
    public void Validate()
    {
        if (Encoder is not (ResNet18Encoder.KindName or PixelEncoder.KindName))
        {
            throw new InvalidDataException(
                $"encoder '{Encoder}' is unknown; expected {ResNet18Encoder.KindName} or {PixelEncoder.KindName}");
        }

        if (Encoder == ResNet18Encoder.KindName && ImageSize != ResNet18Encoder.InputSize)
        {
            throw new InvalidDataException($"ResNet-18 takes 224x224 images; config says {ImageSize}");
        }

        InRange(ImageSize, "preprocessing.image_size", MaxImageSize);
        InRange(Embed, "architecture.embed", MaxUnits);
        InRange(Hidden, "architecture.hidden", MaxUnits);
        Positive(MaxLength, "max_length");
        if (Layers is < 1 or > 4)
        {
            throw new InvalidDataException($"layers must be 1..4; got {Layers}");
        }

        if (CnnChannels.Count is 0 or > MaxCnnLayers || CnnChannels.Any(c => c is <= 0 or > MaxCnnChannels))
        {
            throw new InvalidDataException($"architecture.cnn_channels must be 1..{MaxCnnLayers} layers of " +
                $"1..{MaxCnnChannels} channels; got [{string.Join(", ", CnnChannels)}]");
        }

        if (!(Dropout >= 0f && Dropout < 1f))
        {
            throw new InvalidDataException($"dropout must be in [0, 1); got {Dropout}");
        }
    }

    /// <summary>
    /// The weight matrices' elements of the decoder this config describes (image projection,
    /// embedding, LSTM layers, output; biases and the small CNN left out, so a lower bound),
    /// counted without building anything.
    /// </summary>
    public long WeightCount()
    {
        long embed = Embed, hidden = Hidden, vocab = Vocabulary.Count;
        long lstm = 4 * hidden * (embed + hidden) + (Layers - 1) * 4 * hidden * (hidden + hidden);
        return (long)FeatureSize * embed + vocab * embed + lstm + hidden * vocab;
    }

    /// <summary>The config.json content.</summary>
    public ModelConfig ToModelConfig()
    {
        var config = new ModelConfig(ArchitectureType);
        var a = config.Architecture;
        a["encoder"] = Encoder;
        a["cnn_channels"] = new JsonArray(CnnChannels.Select(c => (JsonNode?)c).ToArray());
        a["feature_size"] = FeatureSize;
        a["embed"] = Embed;
        a["hidden"] = Hidden;
        a["layers"] = Layers;
        a["dropout"] = Dropout;
        a["max_length"] = MaxLength;
        config.Preprocessing["image_size"] = ImageSize;
        config.Preprocessing["resize"] = "whole image to a square, no crop, bilinear";
        config.Preprocessing["normalisation"] = TrainableEncoder
            ? "RGB (x - 127.5) / 127.5"
            : "BGR 0..255 minus the mean image of ResNetPreprocess.onnx";
        config.Vocabulary = Vocabulary.ToJson();
        config.Extra["task"] = "image captioning";
        return config;
    }

    /// <summary>Reads a config.json written by <see cref="ToModelConfig"/>.</summary>
    /// <exception cref="InvalidDataException">Wrong architecture or a bad value; the message names it.</exception>
    public static CaptionModelConfig FromModelConfig(ModelConfig config)
    {
        if (config.ArchitectureType != ArchitectureType)
        {
            throw new InvalidDataException(
                $"{config.Source}: architecture '{config.ArchitectureType}' is not a caption model "
                + $"({ArchitectureType})");
        }

        var result = new CaptionModelConfig
        {
            Encoder = config.Get<string>("architecture.encoder"),
            CnnChannels = config.Get<int[]>("architecture.cnn_channels"),
            Embed = config.Get<int>("architecture.embed"),
            Hidden = config.Get<int>("architecture.hidden"),
            Layers = config.Get<int>("architecture.layers"),
            Dropout = config.Get<float>("architecture.dropout"),
            MaxLength = config.Get<int>("architecture.max_length"),
            ImageSize = config.Get<int>("preprocessing.image_size"),
            Vocabulary = Vocabulary.FromJson(config.Vocabulary),
        };
        try
        {
            result.Validate();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{config.Source}: {e.Message}", e);
        }

        return result;
    }

    private static void InRange(int value, string key, int max)
    {
        if (value < 1 || value > max)
        {
            throw new InvalidDataException($"{key} must be 1..{max}; got {value}");
        }
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new InvalidDataException($"{name} must be positive; got {value}");
        }
    }
}
