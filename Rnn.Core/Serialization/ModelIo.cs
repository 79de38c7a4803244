using Rnn.Core.Nn;

namespace Rnn.Core.Serialization;

/// <summary>
/// Model files. A model directory holds <see cref="ConfigFileName"/> (a <see cref="ModelConfig"/>),
/// <see cref="WeightsFileName"/> (safetensors) and <see cref="ModelCardFileName"/> (written by whoever
/// trains). The weight functions save and load a <see cref="Module"/>'s parameters by their dotted names
/// (<see cref="Module.NamedParameters"/>) in a safetensors file. Loading checks the whole file
/// against the module first and reports every missing, unexpected and mismatched name in one
/// error, and only then copies values in, so a failed load leaves the module untouched.
/// </summary>
/// <example>
/// <code>
/// ModelIo.SaveWeights(model, "out/weights.safetensors", SafeTensorDType.F16);
/// ModelIo.LoadWeights(model, "out/weights.safetensors");
///
/// ModelIo.SaveModel("models/speech-en", config, model, SafeTensorDType.F16);
/// var config = ModelIo.ReadConfig("models/speech-en");   // build the module it describes, then:
/// ModelIo.LoadWeights(model, ModelIo.WeightsPath("models/speech-en"));
/// </code>
/// </example>
public static class ModelIo
{
    /// <summary>Name of the config inside a model directory.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>Name of the weights inside a model directory.</summary>
    public const string WeightsFileName = "weights.safetensors";

    /// <summary>Name of the human-written model card inside a model directory.</summary>
    public const string ModelCardFileName = "MODEL_CARD.md";

    /// <summary>Path of the weights file of a model directory.</summary>
    public static string WeightsPath(string directory) => Path.Combine(directory, WeightsFileName);

    /// <summary>Path of the config file of a model directory.</summary>
    public static string ConfigPath(string directory) => Path.Combine(directory, ConfigFileName);

    /// <summary>
    /// Refuses a config that describes more weights than its weights file could hold (at two bytes
    /// each, the smallest float type loaded) before the model is built: a config edited to huge
    /// sizes would otherwise allocate and initialise gigabytes for minutes before the weights were
    /// found not to match. The file's own header is checked first, so an empty or cut-short file is
    /// called that rather than blamed on the config.
    /// </summary>
    /// <param name="weightsPath">The model's weights.safetensors.</param>
    /// <param name="weights">A lower bound on the weights the config describes.</param>
    /// <exception cref="InvalidDataException">The file is malformed or too small for them.</exception>
    public static void CheckWeightsFit(string weightsPath, long weights)
    {
        FileKind.RequireRegular(weightsPath, weightsPath);
        SafeTensorsFile.ReadHeader(weightsPath, weightsPath);
        long bytes = new FileInfo(weightsPath).Length;
        if (weights > bytes / 2)
        {
            throw new InvalidDataException(
                $"{weightsPath}: {bytes} bytes cannot hold the {weights} weights {ConfigFileName} describes " +
                "(2 bytes each at least); the config does not belong to these weights");
        }
    }

    /// <summary>True when the folder holds both a config and weights.</summary>
    public static bool IsModelDirectory(string directory) =>
        File.Exists(ConfigPath(directory)) && File.Exists(WeightsPath(directory));

    /// <summary>
    /// Writes a model directory: weights first, config last, each atomically, so a directory whose
    /// config exists always has complete weights beside it.
    /// </summary>
    /// <param name="directory">Created when missing.</param>
    /// <param name="config">Architecture, preprocessing and vocabulary.</param>
    /// <param name="module">The trained model.</param>
    /// <param name="dtype">Weight storage type (F16 halves the size).</param>
    public static void SaveModel(
        string directory, ModelConfig config, Module module, SafeTensorDType dtype = SafeTensorDType.F32)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = ModelConfig.FormatName,
            ["architecture"] = config.ArchitectureType,
        };
        SaveWeights(module, WeightsPath(directory), dtype, metadata);
        config.Save(ConfigPath(directory));
    }

    /// <summary>Reads the config of a model directory, with clear errors when it is missing or invalid.</summary>
    public static ModelConfig ReadConfig(string directory)
    {
        string path = ConfigPath(directory);
        if (!File.Exists(path))
        {
            string what = Directory.Exists(directory) ? "has no " + ConfigFileName : "does not exist";
            throw new FileNotFoundException(
                $"model directory '{directory}' {what}; a model directory holds {ConfigFileName} and {WeightsFileName}",
                path);
        }

        return ModelConfig.Read(path);
    }

    /// <summary>
    /// Writes every parameter of <paramref name="module"/> atomically, with a checksum of the data
    /// (<see cref="SafeTensors.DataChecksumKey"/>) that loading checks.
    /// </summary>
    /// <param name="module">The model.</param>
    /// <param name="path">Target file, usually "weights.safetensors" in a model directory.</param>
    /// <param name="dtype">F32 (exact) or F16/BF16 (half the size; loads back as float32).</param>
    /// <param name="metadata">Optional "__metadata__" pairs.</param>
    public static void SaveWeights(
        Module module, string path, SafeTensorDType dtype = SafeTensorDType.F32,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var writer = new SafeTensorsWriter { RecordDataChecksum = true };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            writer.Metadata[key] = value;
        }

        foreach (var (name, parameter) in module.NamedParameters())
        {
            writer.Add(name, parameter.Value, dtype);
        }

        writer.Save(path);
    }

    /// <summary>Reads <paramref name="path"/> and loads it into <paramref name="module"/>; see the overload.</summary>
    public static void LoadWeights(Module module, string path, bool allowUnexpected = false) =>
        LoadWeights(module, SafeTensorsFile.Read(path), allowUnexpected);

    /// <summary>
    /// Copies every parameter of <paramref name="module"/> from <paramref name="file"/> after checking that
    /// each is present, float-typed and of the right shape.
    /// </summary>
    /// <param name="module">The model; its parameters keep their tensors, only the values change.</param>
    /// <param name="file">A validated safetensors file.</param>
    /// <param name="allowUnexpected">When true, tensors the module does not have are ignored (e.g. a
    /// checkpoint that also stores optimizer state); otherwise they are an error.</param>
    /// <exception cref="InvalidDataException">The file does not match; the message lists every problem.</exception>
    public static void LoadWeights(Module module, SafeTensorsFile file, bool allowUnexpected = false)
    {
        var parameters = CheckedParameters(module, file.Source, file.Tensors, allowUnexpected);
        foreach (var (name, parameter) in parameters)
        {
            parameter.Load(file.ReadFloats(name));
        }
    }

    /// <summary>
    /// The checks of <see cref="LoadWeights(Module, SafeTensorsFile, bool)"/> on a file's header
    /// alone: every parameter of <paramref name="module"/> present, float-typed and of its shape,
    /// nothing else in the file. Reads no weight.
    /// </summary>
    /// <exception cref="InvalidDataException">The file does not match; the message lists every problem.</exception>
    public static void CheckWeights(Module module, SafeTensorsLayout layout) =>
        CheckedParameters(module, layout.Source, layout.Tensors, allowUnexpected: false);

    private static List<(string Path, Parameter Parameter)> CheckedParameters(
        Module module, string source, IReadOnlyList<SafeTensorInfo> tensors, bool allowUnexpected)
    {
        var parameters = module.NamedParameters().ToList();
        var report = Compare(parameters, tensors, allowUnexpected);
        if (report.Count > 0)
        {
            throw new InvalidDataException(
                $"{source}: does not match the model ({parameters.Count} weight tensors): " +
                string.Join("; ", report));
        }

        return parameters;
    }

    private static List<string> Compare(
        List<(string Path, Parameter Parameter)> parameters, IReadOnlyList<SafeTensorInfo> tensors,
        bool allowUnexpected)
    {
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var missing = new List<string>();
        var mismatched = new List<string>();
        foreach (var (name, parameter) in parameters)
        {
            if (!byName.TryGetValue(name, out var info))
            {
                missing.Add(name);
                continue;
            }

            if (!Rnn.Core.Shape.SameAs(info.Shape, parameter.Shape))
            {
                mismatched.Add($"{name} is {Rnn.Core.Shape.Format(info.Shape)} in the file, " +
                               $"{Rnn.Core.Shape.Format(parameter.Shape)} in the model");
            }
            else if (!SafeTensorDTypes.IsFloat(info.DType))
            {
                mismatched.Add($"{name} is stored as {info.DType}, expected F32, F16 or BF16");
            }
        }

        var expected = parameters.Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
        var unexpected = allowUnexpected
            ? new List<string>()
            : tensors.Select(t => t.Name).Where(n => !expected.Contains(n)).ToList();

        var report = new List<string>();
        if (missing.Count > 0)
        {
            report.Add($"{missing.Count} missing: {FirstFew(missing)}");
        }

        if (unexpected.Count > 0)
        {
            report.Add($"{unexpected.Count} unexpected: {FirstFew(unexpected)}");
        }

        if (mismatched.Count > 0)
        {
            report.Add($"{mismatched.Count} mismatched: {FirstFew(mismatched)}");
        }

        return report;
    }

    // The first three of a list, and how many more: a model of another size mismatches every
    // layer, and one error line of 17 shapes says no more than three of them.
    private static string FirstFew(List<string> items) =>
        string.Join(", ", items.Take(3)) + (items.Count > 3 ? $" and {items.Count - 3} more" : "");
}
