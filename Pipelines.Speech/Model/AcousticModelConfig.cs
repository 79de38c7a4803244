using System.Globalization;
using System.Text.Json.Nodes;
using Pipelines.Speech.Features;
using Rnn.Core.Serialization;

namespace Pipelines.Speech.Model;

/// <summary>
/// Everything needed to rebuild an <see cref="AcousticModel"/> and feed it: architecture,
/// feature settings and vocabulary. Stored as the config.json of a model directory
/// (<see cref="ModelConfig"/> with architecture.type <see cref="ArchitectureType"/>).
/// </summary>
/// <example>
/// <code>
/// var config = new AcousticModelConfig
/// {
///     Features = new AcousticFeatures { SampleRate = 8000, MelBands = 40 },
///     Vocabulary = AcousticVocabulary.DigitWords(),
///     Hidden = 96,
/// };
/// var model = new AcousticModel(config, new Rng(1));
/// </code>
/// </example>
public sealed record AcousticModelConfig
{
    /// <summary>The architecture.type of acoustic model configs.</summary>
    public const string ArchitectureType = "ctc-rnn-acoustic";

    // The config.json key of each validated setting (JsonKeys[nameof(Hidden)] is "architecture.hidden").
    private static readonly Dictionary<string, string> JsonKeys = new()
    {
        [nameof(FrontEnd)] = "architecture.front_end",
        [nameof(ConvChannels)] = "architecture.conv_channels",
        [nameof(StackFrames)] = "architecture.stack_frames",
        [nameof(StackProjection)] = "architecture.stack_projection",
        [nameof(Cell)] = "architecture.cell",
        [nameof(Hidden)] = "architecture.hidden",
        [nameof(Layers)] = "architecture.layers",
        [nameof(Dropout)] = "architecture.dropout",
        [nameof(LogMelOptions.SampleRate)] = "preprocessing.sample_rate",
        [nameof(LogMelOptions.MelBands)] = "preprocessing.n_mels",
        [nameof(LogMelOptions.Mfcc)] = "preprocessing.n_mfcc",
        [nameof(LogMelOptions.FrameSeconds)] = "preprocessing.window_seconds",
        [nameof(LogMelOptions.HopSeconds)] = "preprocessing.hop_seconds",
        [nameof(AcousticFeatures.PadSeconds)] = "preprocessing.pad_seconds",
        [nameof(AcousticFeatures.Stats)] = "preprocessing.normalization_stats",
        ["tokens"] = "vocabulary.tokens",
        ["blank index"] = "vocabulary.blank_index",
        ["word separator"] = "vocabulary.word_separator",
        [nameof(WeightCount)] = "architecture",
    };

    // Caps on each size, far above any CTC acoustic RNN (DeepSpeech 2: 7 layers of up to 2560 GRU
    // units): a typo such as "hidden": 100000000 is refused where config.json is read, not met as
    // an out-of-memory error or a tensor over 2^31-1 elements while the model is built. Sizes each
    // under their cap can still multiply into too many weights; WeightCount catches that.

    /// <summary>Most hidden units per direction, and most outputs of the stacking projection.</summary>
    public const int MaxHidden = 8192;

    /// <summary>Most stacked recurrent layers.</summary>
    public const int MaxLayers = 64;

    /// <summary>Most channels of the convolution front end.</summary>
    public const int MaxConvChannels = 1024;

    /// <summary>Most feature frames stacked into one (Stack front end).</summary>
    public const int MaxStackFrames = 64;

    /// <summary>
    /// Most weights a config may describe: a weights.safetensors of at most
    /// <see cref="SafeTensorsFile.MaxFileBytes"/> (2 GiB) holds no more, even at 16 bits each, so a
    /// larger model could never be loaded.
    /// </summary>
    public static long MaxWeights => SafeTensorsFile.MaxFileBytes / 2;

    /// <summary>Time subsampling front end.</summary>
    public FrontEndKind FrontEnd { get; init; } = FrontEndKind.Conv;

    /// <summary>Channels of both convolutions (Conv front end).</summary>
    public int ConvChannels { get; init; } = 16;

    /// <summary>Frames stacked into one (Stack front end).</summary>
    public int StackFrames { get; init; } = 4;

    /// <summary>Output size of the stacking projection (Stack front end).</summary>
    public int StackProjection { get; init; } = 128;

    /// <summary>Recurrent cell of every layer.</summary>
    public RecurrentCellKind Cell { get; init; } = RecurrentCellKind.Gru;

    /// <summary>Hidden units per direction.</summary>
    public int Hidden { get; init; } = 96;

    /// <summary>Number of stacked recurrent layers.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Run each layer in both directions and concatenate (2 x hidden features).</summary>
    public bool Bidirectional { get; init; } = true;

    /// <summary>Dropout between recurrent layers, training only.</summary>
    public float Dropout { get; init; } = 0.1f;

    /// <summary>Feature extraction and normalisation.</summary>
    public AcousticFeatures Features { get; init; } = new();

    /// <summary>Output tokens.</summary>
    public AcousticVocabulary Vocabulary { get; init; } = AcousticVocabulary.DigitWords();

    /// <summary>Feature frames per output frame.</summary>
    public int Subsampling => FrontEnd switch
    {
        FrontEndKind.Conv => 4,
        FrontEndKind.Stack => StackFrames,
        _ => 1,
    };

    /// <summary>Duration of one output (log-prob) frame in seconds.</summary>
    public double OutputFrameSeconds => Features.HopSeconds * Subsampling;

    /// <summary>Output frames for <paramref name="frames"/> input frames (0 stays 0).</summary>
    public int OutputLength(int frames) => FrontEnd switch
    {
        // Kernel 3, padding 1, stride 2: (L + 2 - 3) / 2 + 1 = ceil(L / 2), twice.
        FrontEndKind.Conv => Ceil(Ceil(frames, 2), 2),
        FrontEndKind.Stack => Ceil(frames, StackFrames),
        _ => frames,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate() => Validate(SettingErrors.Argument);

    /// <summary>Throws what <paramref name="bad"/> makes of the first bad value.</summary>
    internal void Validate(SettingError bad)
    {
        Features.Validate(bad);
        Check(Hidden is >= 1 and <= MaxHidden, bad, nameof(Hidden), Hidden, $"1..{MaxHidden}");
        Check(Layers is >= 1 and <= MaxLayers, bad, nameof(Layers), Layers, $"1..{MaxLayers}");
        Check(Dropout >= 0f && Dropout < 1f, bad, nameof(Dropout), Dropout, "in [0, 1)");
        Check(ConvChannels is >= 1 and <= MaxConvChannels, bad, nameof(ConvChannels), ConvChannels,
            $"1..{MaxConvChannels}");
        Check(StackFrames is >= 1 and <= MaxStackFrames, bad, nameof(StackFrames), StackFrames,
            $"1..{MaxStackFrames}");
        Check(StackProjection is >= 1 and <= MaxHidden, bad, nameof(StackProjection), StackProjection,
            $"1..{MaxHidden}");
        Check(Enum.IsDefined(FrontEnd), bad, nameof(FrontEnd), FrontEnd, "None, Conv or Stack");
        Check(Enum.IsDefined(Cell), bad, nameof(Cell), Cell, "Gru or Lstm");
        long weights = WeightCount();
        Check(weights <= MaxWeights, bad, nameof(WeightCount), $"{weights} weights",
            $"at most {MaxWeights} weights (what a 2 GiB weights.safetensors holds at 16 bits each)");
    }

    /// <summary>
    /// The weight matrices' elements of the model this config describes (biases left out: a lower
    /// bound, so no buildable model is refused), counted in long without building anything.
    /// </summary>
    public long WeightCount()
    {
        long mels = Features.FeatureCount, hidden = Hidden, channels = ConvChannels;
        long directions = Bidirectional ? 2 : 1, gates = Cell == RecurrentCellKind.Lstm ? 4 : 3;
        long frontEnd = 0, input = mels;
        if (FrontEnd == FrontEndKind.Conv)
        {
            frontEnd = 9 * channels + 9 * channels * channels;          // [c, 1, 3, 3] and [c, c, 3, 3]
            input = channels * Ceil(Ceil(Features.FeatureCount, 2), 2);  // channels x quartered features
        }
        else if (FrontEnd == FrontEndKind.Stack)
        {
            frontEnd = mels * StackFrames * StackProjection;
            input = StackProjection;
        }

        long recurrent = 0;
        for (int layer = 0; layer < Layers; layer++)
        {
            recurrent += directions * gates * hidden * (input + hidden);  // [gates*hidden, input + hidden]
            input = directions * hidden;
        }

        return frontEnd + recurrent + input * Vocabulary.Count;
    }

    /// <summary>The config as a <see cref="ModelConfig"/> (config.json content).</summary>
    public ModelConfig ToModelConfig()
    {
        Validate();
        var config = new ModelConfig(ArchitectureType);
        var a = config.Architecture;
        a["front_end"] = FrontEnd.ToString().ToLowerInvariant();
        // Only the settings of the chosen front end, so config.json names nothing the model ignores.
        if (FrontEnd == FrontEndKind.Conv)
        {
            a["conv_channels"] = ConvChannels;
        }
        else if (FrontEnd == FrontEndKind.Stack)
        {
            a["stack_frames"] = StackFrames;
            a["stack_projection"] = StackProjection;
        }

        a["cell"] = Cell.ToString().ToLowerInvariant();
        a["hidden"] = Hidden;
        a["layers"] = Layers;
        a["bidirectional"] = Bidirectional;
        a["dropout"] = Dropout;
        a["subsampling"] = Subsampling;
        a["output_frame_seconds"] = OutputFrameSeconds;

        var p = config.Preprocessing;
        p["sample_rate"] = Features.SampleRate;
        p["n_mels"] = Features.MelBands;
        if (Features.Mfcc > 0)
        {
            p["n_mfcc"] = Features.Mfcc; // absent: the model reads the log-mel bands
        }

        p["window_seconds"] = Features.WindowSeconds;
        p["hop_seconds"] = Features.HopSeconds;
        if (Features.PadSeconds > 0)
        {
            p["pad_seconds"] = Features.PadSeconds; // absent: no padding
        }

        p["normalization"] = Features.Normalization.ToString().ToLowerInvariant();
        if (Features.Stats is { } stats)
        {
            p["normalization_stats"] = JsonNode.Parse(stats.ToJson());
        }

        config.Vocabulary = new JsonObject
        {
            ["tokens"] = new JsonArray(Vocabulary.Tokens.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
            ["blank_index"] = Vocabulary.BlankIndex,
            ["word_separator"] = Vocabulary.WordSeparator,
        };
        return config;
    }

    /// <summary>Reads an acoustic model config; errors name the file and the bad field.</summary>
    /// <exception cref="InvalidDataException">Wrong model kind, a missing or invalid field.</exception>
    public static AcousticModelConfig FromModelConfig(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.ArchitectureType != ArchitectureType)
        {
            throw new InvalidDataException(
                $"{config.Source}: architecture.type is '{config.ArchitectureType}', expected '{ArchitectureType}'");
        }

        var result = new AcousticModelConfig
        {
            FrontEnd = ParseEnum<FrontEndKind>(config, "architecture.front_end"),
            ConvChannels = config.Get("architecture.conv_channels", 16),
            StackFrames = config.Get("architecture.stack_frames", 4),
            StackProjection = config.Get("architecture.stack_projection", 128),
            Cell = ParseEnum<RecurrentCellKind>(config, "architecture.cell"),
            Hidden = config.Get<int>("architecture.hidden"),
            Layers = config.Get<int>("architecture.layers"),
            Bidirectional = config.Get<bool>("architecture.bidirectional"),
            Dropout = config.Get("architecture.dropout", 0f),
            Features = ReadFeatures(config),
            Vocabulary = ReadVocabulary(config),
        };
        result.Validate(InConfig(config));

        double recorded = config.Get("architecture.output_frame_seconds", result.OutputFrameSeconds);
        if (Math.Abs(recorded - result.OutputFrameSeconds) > 1e-9)
        {
            throw new InvalidDataException(
                $"{config.Source}: architecture.output_frame_seconds is {recorded} but hop and front end give " +
                $"{result.OutputFrameSeconds}");
        }

        return result;
    }

    /// <summary>The "preprocessing" section, validated; errors name the file, the key and the value.</summary>
    internal static AcousticFeatures ReadFeatures(ModelConfig config)
    {
        // Read field by field, so a value of the wrong type is named by its key and not by System.Text.Json.
        const string statsKey = "preprocessing.normalization_stats";
        NormalizationStats? stats = null;
        if (config.Preprocessing["normalization_stats"] is not null)
        {
            float[] mean = config.Get<float[]>(statsKey + ".mean"), std = config.Get<float[]>(statsKey + ".std");
            try
            {
                stats = new NormalizationStats(mean, std, config.Get(statsKey + ".frames", 0L));
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{config.Source}: \"{statsKey}\": {e.Message}", e);
            }
        }

        var features = new AcousticFeatures
        {
            SampleRate = config.Get<int>("preprocessing.sample_rate"),
            MelBands = config.Get<int>("preprocessing.n_mels"),
            Mfcc = config.Get<int>("preprocessing.n_mfcc", 0),
            WindowSeconds = config.Get<double>("preprocessing.window_seconds"),
            HopSeconds = config.Get<double>("preprocessing.hop_seconds"),
            PadSeconds = config.Get<double>("preprocessing.pad_seconds", 0),
            Normalization = ParseEnum<NormalizationMode>(config, "preprocessing.normalization"),
            Stats = stats,
        };
        features.Validate(InConfig(config));
        return features;
    }

    /// <summary>The "vocabulary" section; errors name the file, the key and the value.</summary>
    internal static AcousticVocabulary ReadVocabulary(ModelConfig config)
    {
        string[] tokens = config.Get<string[]>("vocabulary.tokens");
        int blankIndex = config.Get<int>("vocabulary.blank_index");
        string? wordSeparator = config.Get<string?>("vocabulary.word_separator", null);
        AcousticVocabulary.Validate(tokens, blankIndex, wordSeparator, InConfig(config));
        return new AcousticVocabulary(tokens, blankIndex, wordSeparator);
    }

    /// <summary>
    /// The <see cref="SettingError"/> for values read from <paramref name="config"/>: an
    /// <see cref="InvalidDataException"/> naming the file and the key as config.json spells it,
    /// <c>config.json: "architecture.hidden" must be at least 1; got -5</c>, not the C# property.
    /// </summary>
    internal static SettingError InConfig(ModelConfig config) => (name, value, expected) =>
        new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
            $"{config.Source}: \"{JsonKeys.GetValueOrDefault(name, name)}\" must be {expected}; got {value}"));

    internal static T ParseEnum<T>(ModelConfig config, string path)
        where T : struct, Enum
    {
        string text = config.Get<string>(path);
        if (Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value)
            && !int.TryParse(text, out _))
        {
            return value;
        }

        throw new InvalidDataException(
            $"{config.Source}: \"{path}\" is '{text}', expected one of {string.Join(", ", Enum.GetNames<T>())}");
    }

    private static void Check(bool ok, SettingError bad, string name, object value, string expected)
    {
        if (!ok)
        {
            throw bad(name, value, expected);
        }
    }

    private static int Ceil(int a, int b) => (a + b - 1) / b;
}
