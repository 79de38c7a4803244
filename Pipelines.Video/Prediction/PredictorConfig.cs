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

    // Caps far above any next-frame predictor (Shi et al. 2015: 64x64 frames, patch 4, three layers
    // of 64 to 128 filters, 5x5 kernels), so a config.json typo ("hidden": [100000000]) is refused
    // where it is read rather than met as an out-of-memory error or a tensor over 2^31-1 elements.

    /// <summary>Largest frame side, and most filters of one ConvLSTM layer, <see cref="Validate"/> accepts.</summary>
    public const int MaxFrameSize = 4096, MaxFilters = 4096;

    /// <summary>Largest patch side (a folded frame has channels x patch^2 channels).</summary>
    public const int MaxPatch = 64;

    /// <summary>Most stacked ConvLSTM layers.</summary>
    public const int MaxLayers = 16;

    /// <summary>Largest ConvLSTM kernel side.</summary>
    public const int MaxKernel = 31;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value by its config.json key.</summary>
    public void Validate()
    {
        Check(FrameSize is >= 1 and <= MaxFrameSize, "preprocessing.frame_size", FrameSize, $"1..{MaxFrameSize}");
        Check(Channels is 1 or 3, "preprocessing.channels", Channels, "1 or 3");
        Check(Patch is >= 1 and <= MaxPatch && FrameSize % Patch == 0, "architecture.patch", Patch,
            $"a divisor of the frame size {FrameSize}, at most {MaxPatch}");
        Check(Hidden.Length is >= 1 and <= MaxLayers && Hidden.All(h => h is >= 1 and <= MaxFilters),
            "architecture.hidden", $"[{string.Join(", ", Hidden)}]",
            $"1..{MaxLayers} filter counts of 1..{MaxFilters}");
        Check(Kernel is >= 1 and <= MaxKernel && Kernel % 2 == 1, "architecture.kernel", Kernel,
            $"odd, 1..{MaxKernel}");
        Check(Enum.IsDefined(ForecasterInput), "architecture.forecaster_input", ForecasterInput,
            "None or PreviousFrame");
        Check(ContextFrames >= 1, "architecture.context_frames", ContextFrames, "at least 1");
        Check(FutureFrames >= 1, "architecture.future_frames", FutureFrames, "at least 1");
    }

    /// <summary>
    /// The kernel elements of the encoder's ConvLSTM layers this config describes (the forecaster
    /// and the output left out, so a lower bound), counted without building anything.
    /// </summary>
    public long WeightCount()
    {
        long total = 0, input = FoldedChannels, taps = (long)Kernel * Kernel;
        foreach (long h in Hidden)
        {
            total += 4 * h * (input + h) * taps;
            input = h;
        }

        return total;
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
