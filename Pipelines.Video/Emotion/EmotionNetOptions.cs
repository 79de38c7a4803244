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

    // Caps far above any facial-expression network (FER-2013 crops are 48x48; VGG-style nets use
    // 4 to 5 stages of up to 512 channels), so a config.json typo ("lstm_filters": 100000000) is
    // refused where it is read rather than met as an out-of-memory error or a tensor over 2^31-1
    // elements while the network is built.

    /// <summary>Largest face crop side <see cref="Validate"/> accepts.</summary>
    public const int MaxImageSize = 1024;

    /// <summary>Most CNN stages (each halves the image: 2^10 is <see cref="MaxImageSize"/>).</summary>
    public const int MaxStages = 10;

    /// <summary>Most convolutions in one stage.</summary>
    public const int MaxStageConvs = 16;

    /// <summary>Most channels of a stage, ConvLSTM filters, head units and classes.</summary>
    public const int MaxWidth = 4096;

    /// <summary>Largest ConvLSTM kernel side.</summary>
    public const int MaxKernel = 31;

    /// <summary>Checks that the sizes fit together.</summary>
    public void Validate()
    {
        CheckCaps();
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

    // One size over its cap, named by its config.json key; the checks below then see sane sizes.
    private void CheckCaps()
    {
        (string Key, bool Ok, string Value, string Expected)[] caps =
        [
            ("image_size", ImageSize <= MaxImageSize, $"{ImageSize}", $"at most {MaxImageSize}"),
            ("stage_channels", StageChannels.Count <= MaxStages && StageChannels.All(c => c <= MaxWidth),
                $"[{string.Join(", ", StageChannels)}]", $"at most {MaxStages} stages of at most {MaxWidth} channels"),
            ("stage_convs", StageConvs.All(n => n <= MaxStageConvs),
                $"[{string.Join(", ", StageConvs)}]", $"at most {MaxStageConvs} convolutions a stage"),
            ("lstm_filters", LstmFilters <= MaxWidth, $"{LstmFilters}", $"at most {MaxWidth}"),
            ("lstm_kernel", LstmKernel <= MaxKernel, $"{LstmKernel}", $"at most {MaxKernel}"),
            ("head_hidden", HeadHidden <= MaxWidth, $"{HeadHidden}", $"at most {MaxWidth}"),
            ("classes", Classes <= MaxWidth, $"{Classes}", $"at most {MaxWidth}"),
        ];
        foreach (var (key, ok, value, expected) in caps)
        {
            if (!ok)
            {
                throw new ArgumentException($"architecture.{key} must be {expected}; got {value}");
            }
        }
    }

    /// <summary>
    /// The weights of the ConvLSTM and the head this config describes, plus one weight a channel
    /// pair of each stage convolution (their kernels left out: a lower bound), counted without
    /// building anything.
    /// </summary>
    public long WeightCount()
    {
        long total = 0, input = 1;
        for (int s = 0; s < StageChannels.Count; s++)
        {
            long c = StageChannels[s];
            total += input * c + (StageConvs[s] - 1L) * c * c;
            input = c;
        }

        long f = LstmFilters;
        return total + 4 * f * (input + f) * LstmKernel * LstmKernel + f * HeadHidden + (long)HeadHidden * Classes;
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
