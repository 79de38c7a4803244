using Rnn.Core;
using Rnn.Core.Serialization;

namespace Pipelines.Captioning.Model;

/// <summary>
/// A caption model on disk: config.json (encoder, sizes, vocabulary) and weights.safetensors
/// (the decoder, plus the small CNN when that is the encoder). The ResNet-18 encoder is not stored:
/// it comes from its NuGet package at build time.
/// </summary>
public static class CaptionModelDirectory
{
    /// <summary>Writes the model (weights first, config last, each atomically).</summary>
    public static void Save(string directory, CaptionModel model, SafeTensorDType dtype = SafeTensorDType.F16)
    {
        Directory.CreateDirectory(directory);
        ModelIo.SaveModel(directory, model.Config.ToModelConfig(), model, dtype);
    }

    /// <summary>Loads a model directory in inference mode.</summary>
    /// <exception cref="FileNotFoundException">config.json or weights.safetensors is missing.</exception>
    /// <exception cref="InvalidDataException">The config or weights are not a valid caption model.</exception>
    public static CaptionModel Load(string directory)
    {
        var config = CaptionModelConfig.FromModelConfig(ModelIo.ReadConfig(directory));
        string weights = ModelIo.WeightsPath(directory);
        if (!File.Exists(weights))
        {
            throw new FileNotFoundException($"{directory}: model directory has no {ModelIo.WeightsFileName}", weights);
        }

        ModelIo.CheckWeightsFit(weights, config.WeightCount());
        var model = new CaptionModel(config, new Rng(0));
        ModelIo.LoadWeights(model, weights);
        model.Eval();
        return model;
    }
}
