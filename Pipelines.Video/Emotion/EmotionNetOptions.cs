using System.Text.Json.Nodes;

namespace Pipelines.Video.Emotion;

/// <summary>
/// Sizes of <see cref="EmotionNet"/>; saved in the architecture section of config.json.
/// </summary>
public sealed record EmotionNetOptions
{
    /// <summary>Face crop side in pixels (square, grayscale).</summary>
    public int ImageSize { get; init; } = 48;

    /// <summary>Channels of each CNN stage; every stage ends with a 2x2 max pool.</summary>
    public IReadOnlyList<int> StageChannels { get; init; } = new[] { 32, 64, 128 };

    /// <summary>3x3 convolutions (each with batch norm and ReLU) in each stage.</summary>
    public IReadOnlyList<int> StageConvs { get; init; } = new[] { 1, 1, 2 };

    /// <summary>ConvLSTM filters over the last stage's maps.</summary>
    public int LstmFilters { get; init; } = 48;

    /// <summary>ConvLSTM kernel (odd).</summary>
    public int LstmKernel { get; init; } = 3;

    /// <summary>Width of the hidden dense layer of the per-step head.</summary>
    public int HeadHidden { get; init; } = 128;

    /// <summary>Dropout before each dense layer of the head.</summary>
    public float Dropout { get; init; } = 0.3f;

    /// <summary>Output classes.</summary>
    public int Classes { get; init; } = EmotionLabels.Count;

    /// <summary>Side of the maps the ConvLSTM sees (the image halved once per stage).</summary>
    public int MapSize => ImageSize >> StageChannels.Count;

    /// <summary>Checks that the sizes fit together.</summary>
    public void Validate()
    {
        if (ImageSize <= 0 || StageChannels.Count == 0 || StageChannels.Any(c => c <= 0) || MapSize < 1 ||
            ImageSize % (1 << StageChannels.Count) != 0)
        {
            throw new ArgumentException(
                $"image size {ImageSize} must be a positive multiple of 2^{StageChannels.Count} " +
                $"(one halving per stage [{string.Join(", ", StageChannels)}])");
        }

        if (StageConvs.Count != StageChannels.Count || StageConvs.Any(n => n < 1))
        {
            throw new ArgumentException($"stage convs [{string.Join(", ", StageConvs)}] must give a count >= 1 " +
                $"for each of the {StageChannels.Count} stages");
        }

        if (LstmFilters < 1 || LstmKernel < 1 || LstmKernel % 2 == 0 || HeadHidden < 1 ||
            Classes < 2 || !(Dropout >= 0 && Dropout < 1))
        {
            throw new ArgumentException(
                $"bad emotion network sizes: filters {LstmFilters}, kernel " +
                $"{LstmKernel}, head {HeadHidden}, classes {Classes}, dropout {Dropout}");
        }
    }

    /// <summary>Writes the sizes into an architecture section.</summary>
    public void WriteTo(JsonObject architecture)
    {
        architecture["image_size"] = ImageSize;
        architecture["stage_channels"] = new JsonArray(StageChannels.Select(c => (JsonNode)c).ToArray());
        architecture["stage_convs"] = new JsonArray(StageConvs.Select(c => (JsonNode)c).ToArray());
        architecture["lstm_filters"] = LstmFilters;
        architecture["lstm_kernel"] = LstmKernel;
        architecture["head_hidden"] = HeadHidden;
        architecture["dropout"] = Dropout;
        architecture["classes"] = Classes;
    }

    /// <summary>Reads the sizes back; <paramref name="source"/> names the file in errors.</summary>
    public static EmotionNetOptions ReadFrom(JsonObject architecture, string source)
    {
        try
        {
            var options = new EmotionNetOptions
            {
                ImageSize = Int(architecture, "image_size"),
                StageChannels = Ints(architecture, "stage_channels"),
                StageConvs = Ints(architecture, "stage_convs"),
                LstmFilters = Int(architecture, "lstm_filters"),
                LstmKernel = Int(architecture, "lstm_kernel"),
                HeadHidden = Int(architecture, "head_hidden"),
                Dropout = architecture["dropout"]?.GetValue<float>() ?? throw Missing("dropout"),
                Classes = Int(architecture, "classes"),
            };
            options.Validate();
            return options;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException
            or KeyNotFoundException or NullReferenceException)
        {
            throw new InvalidDataException($"{source}: bad emotion architecture: {e.Message}", e);
        }
    }

    private static int[] Ints(JsonObject o, string key) =>
        (o[key] as JsonArray ?? throw Missing(key)).Select(n => n!.GetValue<int>()).ToArray();

    private static int Int(JsonObject o, string key) => o[key]?.GetValue<int>() ?? throw Missing(key);

    private static KeyNotFoundException Missing(string key) => new($"architecture.{key} is missing");
}
