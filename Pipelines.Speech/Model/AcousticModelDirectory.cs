using System.Globalization;
using Rnn.Core;
using Rnn.Core.Serialization;

namespace Pipelines.Speech.Model;

/// <summary>
/// Saves and loads an <see cref="AcousticModel"/> as a model directory: config.json (an
/// <see cref="AcousticModelConfig"/>) and weights.safetensors. Every failure names the
/// directory and what is wrong with it.
/// </summary>
/// <example>
/// <code>
/// AcousticModelDirectory.Save("models/speech-digits", model, SafeTensorDType.F16);
/// AcousticModel loaded = AcousticModelDirectory.Load("models/speech-digits");
/// </code>
/// </example>
public static class AcousticModelDirectory
{
    /// <summary>Writes weights then config, each atomically; F16 halves the size with ~1e-3 relative error.</summary>
    public static void Save(string directory, AcousticModel model, SafeTensorDType dtype = SafeTensorDType.F32)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(directory);
        ModelIo.SaveModel(directory, model.Config.ToModelConfig(), model, dtype);
    }

    /// <summary>
    /// The directory as the model <c>transcribe</c> hears: one <see cref="NativeCtcModel"/>, or,
    /// when config.json has a "test_time" section (<see cref="TestTimeConfig"/>), a
    /// <see cref="CtcEnsemble"/> of each weights file it lists at each padding and speed it lists.
    /// </summary>
    /// <exception cref="FileNotFoundException">The directory, its config or a weights file is missing.</exception>
    /// <exception cref="InvalidDataException">The config or a weights file is malformed or does not match.</exception>
    public static ICtcAcousticModel LoadCtc(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var modelConfig = ModelIo.ReadConfig(directory);
        var testTime = TestTimeConfig.FromModelConfig(modelConfig);
        if (testTime is null)
        {
            return new NativeCtcModel(Load(directory));
        }

        var config = AcousticModelConfig.FromModelConfig(modelConfig);
        foreach (double pad in testTime.PadSeconds)
        {
            // Checked here, as the key config.json names, rather than as WithPadding's argument.
            if (NativeCtcModel.PaddingOffGrid(config, pad) is { } expected)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{modelConfig.Source}: \"{TestTimeConfig.SectionName}\": pad_seconds must each be {expected}; " +
                    $"got {pad} ({pad * 1000:0.###} ms)"));
            }
        }

        var natives = testTime.Weights.Select(w => new NativeCtcModel(LoadWeights(directory, config, w))).ToArray();
        var members = new List<ICtcAcousticModel>();
        foreach (var native in natives)
        {
            // TestTimeConfig has checked the speeds and the range of the paddings, and the loop above their grid.
            var padded = testTime.PadSeconds.Count == 0 ? [native] : testTime.PadSeconds.Select(native.WithPadding);
            members.AddRange(padded.SelectMany(p => testTime.Speeds.Select(v => v == 1 ? p : p.WithSpeed(v))));
        }

        return new CtcEnsemble(members, testTime.Combination, owned: natives)
        {
            PadOnlyAtStart = testTime.PadOnlyAtStart,
        };
    }

    /// <summary>Reads the config, builds the model it describes and loads its weights.</summary>
    /// <exception cref="FileNotFoundException">The directory, its config or its weights are missing.</exception>
    /// <exception cref="InvalidDataException">The config or the weights are malformed or do not match.</exception>
    public static AcousticModel Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var config = AcousticModelConfig.FromModelConfig(ModelIo.ReadConfig(directory));
        string weights = ModelIo.WeightsPath(directory);
        if (!File.Exists(weights))
        {
            throw new FileNotFoundException(
                $"model directory '{directory}' has a {ModelIo.ConfigFileName} but no {ModelIo.WeightsFileName}",
                weights);
        }

        return LoadWeights(directory, config, ModelIo.WeightsFileName);
    }

    // A model of `config` with the weights of `file` in `directory`.
    private static AcousticModel LoadWeights(string directory, AcousticModelConfig config, string file)
    {
        string weights = Path.Combine(directory, file);
        if (!File.Exists(weights))
        {
            throw new FileNotFoundException($"model directory '{directory}' has no weights file '{file}'", weights);
        }

        // The seed only fills the weights before they are overwritten by the file.
        ModelIo.CheckWeightsFit(weights, config.WeightCount());
        var model = new AcousticModel(config, new Rng(1));
        try
        {
            ModelIo.LoadWeights(model, weights);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"model directory '{directory}', {file}: {e.Message}", e);
        }

        model.Eval();
        return model;
    }
}
