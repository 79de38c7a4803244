using System.Text.Json.Nodes;
using Rnn.Core.Serialization;

namespace Pipelines.Video.Prediction;

/// <summary>
/// Everything needed to rebuild a <see cref="ConvLstmPredictor"/> and feed it: frame size and
/// colour, patch size, the ConvLSTM stack, and how many frames go in and come out. Stored as the
/// config.json of a model directory (architecture.type <see cref="ArchitectureType"/>).
/// </summary>
public sealed record PredictorConfig
{
    /// <summary>The architecture.type of next-frame predictor configs.</summary>
    public const string ArchitectureType = "convlstm-encoder-forecaster";

    /// <summary>Frame height and width in pixels (square frames).</summary>
    public int FrameSize { get; init; } = 64;

    /// <summary>Colour channels of a frame: 1 (gray) or 3 (RGB).</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Space-to-depth patch side; 1 turns patching off.</summary>
    public int Patch { get; init; } = 4;

    /// <summary>Filters of each stacked ConvLSTM layer (encoder and forecaster alike).</summary>
    public int[] Hidden { get; init; } = { 16, 16 };

    /// <summary>ConvLSTM kernel side (odd).</summary>
    public int Kernel { get; init; } = 3;

    /// <summary>What the forecaster reads at each step.</summary>
    public ForecasterInput ForecasterInput { get; init; } = ForecasterInput.PreviousFrame;

    /// <summary>Frames the model reads (K).</summary>
    public int ContextFrames { get; init; } = 10;

    /// <summary>Frames the model predicts after them (N).</summary>
    public int FutureFrames { get; init; } = 10;

    /// <summary>Side of the feature maps the ConvLSTMs run on.</summary>
    public int GridSize => FrameSize / Patch;

    /// <summary>Channels of a folded frame: channels * patch^2.</summary>
    public int FoldedChannels => Channels * Patch * Patch;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        Check(FrameSize >= 1, nameof(FrameSize), FrameSize, "at least 1");
        Check(Channels is 1 or 3, nameof(Channels), Channels, "1 or 3");
        Check(Patch >= 1 && FrameSize % Patch == 0, nameof(Patch), Patch, $"a divisor of the frame size {FrameSize}");
        Check(Hidden.Length >= 1 && Hidden.All(h => h >= 1), nameof(Hidden), string.Join(",", Hidden),
            "one or more positive filter counts");
        Check(Kernel >= 1 && Kernel % 2 == 1, nameof(Kernel), Kernel, "odd and positive");
        Check(Enum.IsDefined(ForecasterInput), nameof(ForecasterInput), ForecasterInput, "None or PreviousFrame");
        Check(ContextFrames >= 1, nameof(ContextFrames), ContextFrames, "at least 1");
        Check(FutureFrames >= 1, nameof(FutureFrames), FutureFrames, "at least 1");
    }

    /// <summary>The config as a <see cref="ModelConfig"/> (config.json content).</summary>
    public ModelConfig ToModelConfig()
    {
        Validate();
        var config = new ModelConfig(ArchitectureType);
        config.Extra["task"] = "video next-frame prediction";
        var a = config.Architecture;
        a["patch"] = Patch;
        a["hidden"] = new JsonArray(Hidden.Select(h => (JsonNode?)JsonValue.Create(h)).ToArray());
        a["kernel"] = Kernel;
        a["forecaster_input"] = ForecasterInput == ForecasterInput.None ? "none" : "previous_frame";
        a["context_frames"] = ContextFrames;
        a["future_frames"] = FutureFrames;
        var p = config.Preprocessing;
        p["frame_size"] = FrameSize;
        p["channels"] = Channels;
        p["color"] = Channels == 1 ? "gray" : "rgb";
        p["scale"] = "pixels / 255";
        return config;
    }

    /// <summary>Reads a predictor config; errors name the file and the bad field.</summary>
    /// <exception cref="InvalidDataException">Wrong model kind, a missing or invalid field.</exception>
    public static PredictorConfig FromModelConfig(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.ArchitectureType != ArchitectureType)
        {
            throw new InvalidDataException(
                $"{config.Source}: architecture.type is '{config.ArchitectureType}', expected '{ArchitectureType}'");
        }

        var result = new PredictorConfig
        {
            FrameSize = config.Get<int>("preprocessing.frame_size"),
            Channels = config.Get<int>("preprocessing.channels"),
            Patch = config.Get<int>("architecture.patch"),
            Hidden = config.Get<int[]>("architecture.hidden"),
            Kernel = config.Get<int>("architecture.kernel"),
            ForecasterInput = ParseInput(config),
            ContextFrames = config.Get<int>("architecture.context_frames"),
            FutureFrames = config.Get<int>("architecture.future_frames"),
        };
        try
        {
            result.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{config.Source}: {e.Message}", e);
        }

        return result;
    }

    private static ForecasterInput ParseInput(ModelConfig config)
    {
        string text = config.Get("architecture.forecaster_input", "none");
        return text switch
        {
            "none" => ForecasterInput.None,
            "previous_frame" => ForecasterInput.PreviousFrame,
            _ => throw new InvalidDataException(
                $"{config.Source}: architecture.forecaster_input is '{text}', expected none or previous_frame"),
        };
    }

    private static void Check(bool ok, string name, object value, string expected)
    {
        if (!ok)
        {
            throw new ArgumentException($"{name} must be {expected}; got {value}");
        }
    }
}
