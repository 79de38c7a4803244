using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Multimodal.Cli.Output;
using Pipelines.Captioning.Model;
using Pipelines.Speech.Model;
using Pipelines.Video.Emotion;
using Pipelines.Video.Prediction;
using Rnn.Core;
using Rnn.Core.Nn;
using Rnn.Core.Serialization;

namespace Multimodal.Cli.Models;

/// <summary>
/// Reads the model directories of a models folder. A model directory holds config.json (checked by
/// <see cref="ModelConfig"/>), weights.safetensors (checked by <see cref="SafeTensorsFile"/>) and
/// MODEL_CARD.md; see <see cref="ModelInfo.RequiredFiles"/>. An ONNX speech model
/// (<see cref="OnnxCtcModel"/>) holds its .onnx graph instead of weights.safetensors.
/// </summary>
public static partial class ModelCatalog
{
    /// <summary>
    /// Every sub-folder of <paramref name="modelsFolder"/>, sorted by name: the valid ones as
    /// models, the others as problems ("folder: reason") so a broken bundled model is not hidden.
    /// </summary>
    /// <param name="modelsFolder">The models folder.</param>
    /// <param name="kinds">The model kinds that count as usable; <see cref="ModelKinds.BuiltIn"/> when null.</param>
    public static (IReadOnlyList<ModelInfo> Models, IReadOnlyList<ModelProblem> Problems) Scan(
        string modelsFolder, ModelKinds? kinds = null)
    {
        var models = new List<ModelInfo>();
        var problems = new List<ModelProblem>();
        var folders = Directory.GetDirectories(modelsFolder).Order(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            // A folder with none of a model's files is no model at all (an empty folder, a training
            // run in progress with only checkpoints/ so far): not listed, and not a problem either.
            if (!ModelInfo.RequiredFiles.Any(f => File.Exists(Path.Combine(folder, f))) &&
                !HoldsOnnxGraph(folder))
            {
                continue;
            }

            try
            {
                models.Add(Load(folder, kinds));
            }
            catch (InvalidDataException ex)
            {
                problems.Add(new ModelProblem(folder, ex.Message));
            }
            catch (Exception ex) when (ex is ArgumentException or OutOfMemoryException or InvalidOperationException)
            {
                // Building the throwaway model for CheckWeights can still fail on sizes each under
                // its cap that multiply past a tensor's 2^31-1 elements or past memory: that
                // folder's problem line, not the end of the listing.
                problems.Add(new ModelProblem(folder, $"cannot build the model config.json describes: {ex.Message}"));
            }
        }

        return (models, problems);
    }

    // The kinds of file a verb loads from a model folder (config, weights, ONNX graphs, face
    // cascades), at its top level. The size column counts only these: not the card, the scripts
    // that trained or scored the model, nor the checkpoints/ and cache/ a train verb leaves there.
    private static readonly HashSet<string> ModelFileKinds =
        new([".json", ".safetensors", ".onnx", ".xml"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads and checks one model directory.</summary>
    /// <param name="folder">The model directory.</param>
    /// <param name="kinds">The model kinds that count as usable; <see cref="ModelKinds.BuiltIn"/> when null.</param>
    /// <exception cref="InvalidDataException">
    /// A file is missing or malformed, or the model is of a kind not in <paramref name="kinds"/>; the
    /// message says which.
    /// </exception>
    public static ModelInfo Load(string folder, ModelKinds? kinds = null)
    {
        var missing = ModelInfo.RequiredFiles.Where(f => !File.Exists(Path.Combine(folder, f))).ToList();
        ModelConfig? config = null;
        if (missing.Contains("weights.safetensors") && !missing.Contains("config.json"))
        {
            // An ONNX graph stands where weights.safetensors would, and only the config says which
            // kind this is: beside a .onnx file, a config that does not parse is reported as itself,
            // not as missing weights; elsewhere (a half-copied folder) the missing files come first.
            try
            {
                config = ReadConfig(folder);
            }
            catch (InvalidDataException) when (!HoldsOnnxGraph(folder))
            {
                throw new InvalidDataException($"not a model folder: missing {string.Join(", ", missing)}");
            }

            if (OnnxCtcModel.Describes(config))
            {
                missing.Remove("weights.safetensors");
            }
        }

        if (missing.Count > 0)
        {
            throw new InvalidDataException($"not a model folder: missing {string.Join(", ", missing)}");
        }

        config ??= ReadConfig(folder);
        CheckKind(config, kinds ?? ModelKinds.BuiltIn);
        CheckArchitecture(config, folder);
        long? parameters = null;
        if (!OnnxCtcModel.Describes(config))
        {
            // The header alone is validated against the file length: listing must not read every weight.
            var weightsPath = Path.Combine(folder, "weights.safetensors");
            var weights = Readable("weights.safetensors",
                () => SafeTensorsFile.ReadHeader(weightsPath, "weights.safetensors"));
            CheckLoadable(weights, new FileInfo(weightsPath).Length);
            CheckWeights(config, weights);
            parameters = weights.ElementCount;
        }

        var card = Readable("MODEL_CARD.md",
            () => FileKind.ReadSmallText(Path.Combine(folder, "MODEL_CARD.md"), MaxCardBytes, "MODEL_CARD.md"));
        var size = new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.TopDirectoryOnly)
            .Where(f => ModelFileKinds.Contains(f.Extension)).Sum(f => f.Length);
        return new ModelInfo(
            Path.GetFileName(folder), Path.GetFullPath(folder),
            Text(config.Extra["task"]) ?? TaskOf(config.ArchitectureType) ?? "?",
            config.ArchitectureType, size, parameters,
            KeyMetric(config.Extra, card));
    }

    private static bool HoldsOnnxGraph(string folder) => Directory.EnumerateFiles(folder, "*.onnx").Any();

    // Short source: the error line already names the folder.
    private static ModelConfig ReadConfig(string folder) => ModelConfig.Parse(
        Readable("config.json",
            () => FileKind.ReadSmallText(Path.Combine(folder, "config.json"), ModelConfig.MaxBytes, "config.json")),
        "config.json");

    // The largest model card read for the listing's key metric.
    private const long MaxCardBytes = 4L << 20;

    // What a model of this architecture does, for a config.json without "task" (the train verbs
    // write none; the bundled models' configs say more, e.g. "transcribe (digits)").
    private static string? TaskOf(string? architecture) => architecture switch
    {
        AcousticModelConfig.ArchitectureType or OnnxCtcModel.ArchitectureType => "transcribe",
        CaptionModelConfig.ArchitectureType => "image captioning",
        EmotionModel.ArchitectureType => "video emotion",
        PredictorConfig.ArchitectureType => "video next-frame prediction",
        _ => null,
    };

    // One unreadable file (no permission, an I/O error) is its model's problem line, not the
    // listing's end: the message names the file, not .NET's "Access to the path ... is denied".
    private static T Readable<T>(string file, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{file}: cannot be read: permission denied");
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new InvalidDataException($"{file}: cannot be read: {e.Message}", e);
        }
    }

    // A kind no verb runs (a typo, a model of another program) was listed as a model, with its
    // weights taken on trust; it is a problem line naming the file and the kind.
    private static void CheckKind(ModelConfig config, ModelKinds kinds)
    {
        if (!kinds.Contains(config.ArchitectureType))
        {
            throw new InvalidDataException(
                $"config.json: unknown architecture.type '{TerminalText.Line(config.ArchitectureType)}'; " +
                $"this program runs {string.Join(", ", kinds.Types)}");
        }
    }

    // The architecture-specific fields, read as the verb that runs the model reads them, so a
    // config that `transcribe` or `caption` would refuse ("sample_rate" given as text) is listed
    // as a problem rather than as a model. Kinds known only to a caller's ModelKinds are not checked.
    // An ONNX model's config is checked as `transcribe` checks it before it opens the graph (the
    // graph itself is not read: a listing must stay quick).
    private static void CheckArchitecture(ModelConfig config, string folder)
    {
        switch (config.ArchitectureType)
        {
            case OnnxCtcModel.ArchitectureType:
                try
                {
                    OnnxCtcModel.CheckDirectory(config, folder);
                }
                catch (FileNotFoundException e)
                {
                    throw new InvalidDataException($"not a model folder: missing {Path.GetFileName(e.FileName)}");
                }

                break;
            case AcousticModelConfig.ArchitectureType:
                AcousticModelConfig.FromModelConfig(config);
                TestTimeConfig.FromModelConfig(config);
                break;
            case CaptionModelConfig.ArchitectureType:
                CaptionModelConfig.FromModelConfig(config);
                break;
            case PredictorConfig.ArchitectureType:
                PredictorConfig.FromModelConfig(config);
                break;
        }
    }

    // The model config.json describes, built with throwaway values, against the weights' header:
    // names, shapes and dtypes, as the verb that loads it checks them, without reading a weight.
    // Weights of another size than the config declares (a hand-edited "hidden") are a problem
    // here, not an error the first time a verb runs. ONNX models are left to their verb, and kinds
    // known only to a caller's ModelKinds are not checked.
    private static void CheckWeights(ModelConfig config, SafeTensorsLayout weights)
    {
        // Each config read once: the weights it describes, counted before anything is built (a config
        // edited to huge sizes would otherwise take minutes and gigabytes to build for a listing), and
        // how to build its model.
        var rng = new Rng(0);
        var (described, build) = config.ArchitectureType switch
        {
            AcousticModelConfig.ArchitectureType =>
                Plan(AcousticModelConfig.FromModelConfig(config), c => c.WeightCount(), c => new AcousticModel(c, rng)),
            CaptionModelConfig.ArchitectureType =>
                Plan(CaptionModelConfig.FromModelConfig(config), c => c.WeightCount(), c => new CaptionModel(c, rng)),
            PredictorConfig.ArchitectureType =>
                Plan(PredictorConfig.FromModelConfig(config), c => c.WeightCount(), c => new ConvLstmPredictor(c, rng)),
            EmotionModel.ArchitectureType => Plan(EmotionNetOptions.ReadFrom(config.Architecture, config.Source),
                o => o.WeightCount(), o => new EmotionNet(o, rng)),
            _ => (0L, null),
        };
        if (described > weights.ElementCount)
        {
            throw new InvalidDataException(
                $"{weights.Source}: holds {weights.ElementCount} weights; config.json describes at least {described}");
        }

        if (build?.Invoke() is { } model)
        {
            ModelIo.CheckWeights(model, weights);
        }
    }

    private static (long Weights, Func<Module>? Build) Plan<T>(T config, Func<T, long> count, Func<T, Module> build) =>
        (count(config), () => build(config));

    /// <summary>
    /// The headline metric, from the first place that has one: the config's top-level
    /// "key_metric" (a string), the first entry of its "metrics" (an object of name -> number),
    /// or a "Key metric: ..." line in the model card.
    /// </summary>
    /// <param name="extra">The config's top-level fields outside the schema (<see cref="ModelConfig.Extra"/>).</param>
    /// <param name="card">The text of MODEL_CARD.md.</param>
    public static string? KeyMetric(JsonObject extra, string card)
    {
        if (Text(extra["key_metric"]) is { } key)
        {
            return key;
        }

        if (extra["metrics"] is JsonObject metrics && metrics.Count > 0)
        {
            var (name, value) = metrics.First();
            return value is JsonValue v && v.TryGetValue<double>(out var number)
                ? $"{name} {number.ToString("0.####", CultureInfo.InvariantCulture)}"
                : $"{name} {value?.ToJsonString()}";
        }

        var line = KeyMetricLine().Match(card);
        return line.Success ? line.Groups["value"].Value.Trim() : null;
    }

    // What ModelIo.LoadWeights would refuse (a file too large to read, a dtype other than F32, F16 or
    // BF16) is not a usable model, so the listing reports it rather than offering it.
    private static void CheckLoadable(SafeTensorsLayout weights, long length)
    {
        if (length > SafeTensorsFile.MaxFileBytes)
        {
            throw new InvalidDataException($"{weights.Source}: {length} bytes; files over 2 GiB are not supported");
        }

        var bad = weights.Tensors.FirstOrDefault(t => !SafeTensorDTypes.IsFloat(t.DType));
        if (bad is not null)
        {
            throw new InvalidDataException(
                $"{weights.Source}: tensor '{bad.Name}' has dtype {bad.DType}; expected F32, F16 or BF16");
        }
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    // "Key metric: WER 21.3% on ..." with optional Markdown bold or list marker around the label.
    [GeneratedRegex(@"^[\s\-\*]*\**key metric\**\s*:\s*\**(?<value>.+?)\**\s*$",
        RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex KeyMetricLine();
}

/// <summary>A folder under models/ that is not a usable model.</summary>
/// <param name="Folder">Full path of the folder.</param>
/// <param name="Reason">What is wrong with it.</param>
public sealed record ModelProblem(string Folder, string Reason);
