using System.Text.Json.Nodes;
using Rnn.Core.Serialization;

namespace Pipelines.Speech.Model;

/// <summary>
/// How a model directory is heard at inference when it asks for more than one pass: the optional
/// "test_time" section of its config.json. Each weights file (an ensemble of models of the one
/// architecture in config.json) is heard at each padding and each speed (test-time augmentation:
/// weights x paddings x speeds passes, each costing one model run), and the outputs are merged
/// by <see cref="Combination"/> (<see cref="CtcEnsemble"/>). Without the section a directory is
/// one model heard once.
/// </summary>
/// <example>
/// <code>
/// "test_time": {
///   "weights": ["weights.safetensors"],
///   "pad_seconds": [0.16],
///   "speeds": [0.9, 1, 1.1],
///   "combination": "rescore"
/// }
/// </code>
/// </example>
public sealed record TestTimeConfig
{
    /// <summary>The name of the section in config.json.</summary>
    public const string SectionName = "test_time";

    /// <summary>Weights files in the directory, each a model of the config's architecture.</summary>
    public IReadOnlyList<string> Weights { get; init; } = [ModelIo.WeightsFileName];

    /// <summary>
    /// Paddings each model is heard at (whole output frames: 40 ms for the digits model); empty:
    /// only the config's own preprocessing.pad_seconds.
    /// </summary>
    public IReadOnlyList<double> PadSeconds { get; init; } = [];

    /// <summary>
    /// Tempos each model is heard at (<see cref="NativeCtcModel.WithSpeed"/>; 1: as recorded). Any
    /// speed but 1 needs <see cref="CtcCombination.Rescore"/>: its frames are of another length.
    /// </summary>
    public IReadOnlyList<double> Speeds { get; init; } = [1.0];

    /// <summary>
    /// Padded passes only for audio that starts the recording (<see cref="CtcEnsemble.PadOnlyAtStart"/>);
    /// voice-activity segments from inside a recording are heard by the unpadded passes only.
    /// </summary>
    public bool PadOnlyAtStart { get; init; }

    /// <summary>How the passes are merged.</summary>
    public CtcCombination Combination { get; init; } = CtcCombination.Rescore;

    /// <summary>The section of <paramref name="config"/>; null when it has none.</summary>
    /// <exception cref="InvalidDataException">The section is malformed; the message names the field.</exception>
    public static TestTimeConfig? FromModelConfig(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.Extra.TryGetPropertyValue(SectionName, out var node) || node is null) return null;
        string where = $"{config.Source}: \"{SectionName}\"";
        if (node is not JsonObject section)
        {
            throw new InvalidDataException($"{where} is {node.ToJsonString()}, expected an object");
        }

        var known = new[] { "weights", "pad_seconds", "speeds", "pad_only_at_start", "combination" };
        if (section.Select(p => p.Key).FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            throw new InvalidDataException(
                $"{where} has an unknown field \"{unknown}\"; expected {string.Join(", ", known)}");
        }

        // Get names the key and the value when a field has the wrong type ("test_time.speeds" is
        // ["fast"], expected a list of numbers); Validate and ParseCombination check the values.
        var defaults = new TestTimeConfig();
        string key = SectionName + ".";
        string? combination = config.Get<string?>(key + "combination", null);
        try
        {
            var result = new TestTimeConfig
            {
                Weights = config.Get(key + "weights", defaults.Weights.ToArray()),
                PadSeconds = config.Get(key + "pad_seconds", defaults.PadSeconds.ToArray()),
                Speeds = config.Get(key + "speeds", defaults.Speeds.ToArray()),
                PadOnlyAtStart = config.Get(key + "pad_only_at_start", defaults.PadOnlyAtStart),
                Combination = combination is null ? defaults.Combination : ParseCombination(combination),
            };
            result.Validate();
            return result;
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{where}: {e.Message}", e);
        }
    }

    /// <summary>The combination named in snake case ("mean_probability", "rescore", ...).</summary>
    /// <exception cref="ArgumentException">No such combination.</exception>
    public static CtcCombination ParseCombination(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var value in Enum.GetValues<CtcCombination>())
        {
            if (string.Equals(SnakeCase(value), name, StringComparison.Ordinal)) return value;
        }

        throw new ArgumentException(
            $"combination is '{name}', expected one of " +
            string.Join(", ", Enum.GetValues<CtcCombination>().Select(SnakeCase)));
    }

    /// <summary>"MeanProbability" as "mean_probability".</summary>
    public static string SnakeCase(CtcCombination value) =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c)
            : char.ToLowerInvariant(c).ToString()));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (Weights.Count == 0) throw new ArgumentException("weights lists no file; expected at least one");
        foreach (string w in Weights)
        {
            if (string.IsNullOrWhiteSpace(w) || Path.IsPathRooted(w) || w.Split('/', '\\').Contains(".."))
            {
                throw new ArgumentException($"weights file '{w}' must be a file name inside the model directory");
            }
        }

        foreach (double p in PadSeconds)
        {
            if (!(p >= 0 && p <= 2)) throw new ArgumentException($"pad_seconds must each be in [0, 2] s; got {p}");
        }

        if (Speeds.Count == 0)
        {
            throw new ArgumentException("speeds lists no speed; expected at least one (1: as recorded)");
        }

        foreach (double v in Speeds)
        {
            if (!(v >= Audio.SpeedPerturbation.MinSpeed && v <= Audio.SpeedPerturbation.MaxSpeed))
            {
                throw new ArgumentException(
                    $"speeds must each be in [{Audio.SpeedPerturbation.MinSpeed}, " +
                    $"{Audio.SpeedPerturbation.MaxSpeed}]; got {v}");
            }
        }

        if (!Enum.IsDefined(Combination)) throw new ArgumentException($"unknown combination {Combination}");
        if (Combination != CtcCombination.Rescore && Speeds.Any(v => v != 1))
        {
            throw new ArgumentException(
                $"speeds other than 1 need combination \"rescore\" (their frames are of another length); " +
                $"got \"{SnakeCase(Combination)}\"");
        }
    }
}
