using Rnn.Core;
using Rnn.Core.Serialization;

namespace Pipelines.Video.Prediction;

/// <summary>
/// Saves and loads a <see cref="ConvLstmPredictor"/> as a model directory (config.json with a
/// <see cref="PredictorConfig"/>, weights.safetensors). Failures name the directory and the problem.
/// </summary>
public static class PredictorDirectory
{
    /// <summary>Writes weights then config, each atomically.</summary>
    public static void Save(string directory, ConvLstmPredictor model, SafeTensorDType dtype = SafeTensorDType.F32)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        ModelIo.SaveModel(directory, model.Config.ToModelConfig(), model, dtype);
    }

    /// <summary>Reads the config, builds the model and loads its weights, in eval mode.</summary>
    /// <exception cref="FileNotFoundException">The directory, its config or its weights are missing.</exception>
    /// <exception cref="InvalidDataException">The config or the weights are malformed or do not match.</exception>
    public static ConvLstmPredictor Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var config = PredictorConfig.FromModelConfig(ModelIo.ReadConfig(directory));
        string weights = ModelIo.WeightsPath(directory);
        if (!File.Exists(weights))
        {
            throw new FileNotFoundException(
                $"model directory '{directory}' has a {ModelIo.ConfigFileName} but no {ModelIo.WeightsFileName}",
                weights);
        }

        ModelIo.CheckWeightsFit(weights, config.WeightCount());
        var model = new ConvLstmPredictor(config, new Rng(1));   // weights are overwritten just below
        try
        {
            ModelIo.LoadWeights(model, weights);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"model directory '{directory}': {e.Message}", e);
        }

        model.Eval();
        return model;
    }
}
