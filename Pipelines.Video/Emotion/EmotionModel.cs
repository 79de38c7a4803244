using System.Text.Json.Nodes;
using Rnn.Core;
using Rnn.Core.Autograd;
using Rnn.Core.Serialization;

namespace Pipelines.Video.Emotion;

/// <summary>
/// A trained emotion model directory (config.json + weights.safetensors) loaded for inference:
/// give it standardised face sequences, get class probabilities at every step.
/// </summary>
/// <example>
/// <code>
/// var model = EmotionModel.Load("models/emotion-fer2013");
/// float[][] probs = model.PredictSteps(faces, time: 8);   // faces: 8 standardised 48x48 crops
/// string label = EmotionLabels.All[probs[^1].AsSpan().IndexOf(probs[^1].Max())];
/// </code>
/// </example>
public sealed class EmotionModel
{
    /// <summary>The architecture.type of these models.</summary>
    public const string ArchitectureType = "emotion-convlstm";

    /// <summary>Wraps a network (e.g. one just trained).</summary>
    public EmotionModel(EmotionNet net, IReadOnlyList<string>? labels = null)
    {
        Net = net;
        Labels = labels ?? EmotionLabels.All;
        if (Labels.Count != net.Options.Classes)
        {
            throw new ArgumentException($"{Labels.Count} labels for a {net.Options.Classes}-class network");
        }
    }

    /// <summary>The network.</summary>
    public EmotionNet Net { get; }

    /// <summary>Class names by output index.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Face side the network takes.</summary>
    public int Side => Net.Options.ImageSize;

    /// <summary>Loads a model directory, checking its kind, sizes and every weight.</summary>
    /// <exception cref="FileNotFoundException">No config or weights.</exception>
    /// <exception cref="InvalidDataException">Another kind of model, or malformed files.</exception>
    public static EmotionModel Load(string directory)
    {
        var config = ModelIo.ReadConfig(directory);
        if (config.ArchitectureType != ArchitectureType)
        {
            throw new InvalidDataException(
                $"'{directory}' holds a '{config.ArchitectureType}' model, " +
                $"not an emotion model ('{ArchitectureType}')");
        }

        var options = EmotionNetOptions.ReadFrom(config.Architecture, config.Source);
        var (method, labels) = ReadPreprocessingAndLabels(config);
        if (method != FaceNormalizer.Method)
        {
            throw new InvalidDataException(
                $"{config.Source}: preprocessing.normalize is '{method}'; this build knows '{FaceNormalizer.Method}'");
        }

        string weights = ModelIo.WeightsPath(directory);
        if (!File.Exists(weights))
        {
            throw new FileNotFoundException($"model directory '{directory}' has no {ModelIo.WeightsFileName}", weights);
        }

        ModelIo.CheckWeightsFit(weights, options.WeightCount());
        var net = new EmotionNet(options, new Rng(0));

        ModelIo.LoadWeights(net, weights);
        net.Eval();
        return new EmotionModel(net, labels);
    }

    // A hand-edited config can hold a number where a string belongs; say which field, not a cast error.
    private static (string Method, string[] Labels) ReadPreprocessingAndLabels(ModelConfig config)
    {
        try
        {
            string method = config.Preprocessing["normalize"]?.GetValue<string>() ?? "";
            var labels = (config.Vocabulary as JsonArray)?.Select(n => n?.GetValue<string>() ?? "").ToArray()
                ?? throw new InvalidDataException($"{config.Source}: \"vocabulary\" must list the class names");
            return (method, labels);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException(
                $"{config.Source}: preprocessing.normalize and the vocabulary must be strings ({e.Message})", e);
        }
    }

    /// <summary>The config.json that describes this model; <paramref name="extra"/> adds top-level fields.</summary>
    public ModelConfig CreateConfig(IReadOnlyDictionary<string, JsonNode?>? extra = null)
    {
        var config = new ModelConfig(ArchitectureType);
        Net.Options.WriteTo(config.Architecture);
        config.Preprocessing["normalize"] = FaceNormalizer.Method;
        config.Preprocessing["grayscale"] = true;
        config.Preprocessing["face_margin"] = Faces.FaceCrop.DefaultMargin;
        config.Vocabulary = new JsonArray(Labels.Select(l => (JsonNode)l).ToArray());
        config.Extra["task"] = "video emotion (face emotion, 7 classes)";   // the `models` verb's Task column
        foreach (var (key, value) in extra ?? new Dictionary<string, JsonNode?>())
        {
            config.Extra[key] = value;
        }

        return config;
    }

    /// <summary>Writes the model directory atomically (weights in float16 by default: half the size).</summary>
    public void Save(string directory, IReadOnlyDictionary<string, JsonNode?>? extra = null,
        SafeTensorDType dtype = SafeTensorDType.F16)
    {
        Directory.CreateDirectory(directory);
        ModelIo.SaveModel(directory, CreateConfig(extra), Net, dtype);
    }

    /// <summary>
    /// Probabilities at every step for a batch of sequences.
    /// </summary>
    /// <param name="faces">batch * time * side * side standardised pixels.</param>
    /// <param name="batch">Sequences.</param>
    /// <param name="time">Steps per sequence.</param>
    /// <param name="mirror">
    /// Also run the left-right mirrored sequences and average the probabilities (horizontal-flip
    /// test-time augmentation: a face and its mirror show the same emotion; costs a second pass).
    /// </param>
    /// <param name="shift">
    /// When above 0, also run the sequences moved this many pixels up, down, left and right (edges
    /// repeated) and average them all in: four more passes (eight with <paramref name="mirror"/>).
    /// </param>
    /// <returns>[batch * time][classes] probabilities, sequence-major.</returns>
    public float[][] Predict(float[] faces, int batch, int time, bool mirror = false, int shift = 0)
    {
        int area = Side * Side;
        if (faces.Length != batch * time * area)
        {
            throw new ArgumentException($"expected {batch}x{time} faces of {area} pixels; got {faces.Length} values");
        }

        if (shift < 0 || shift >= Side / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(shift), shift, $"a shift must be 0..{Side / 2 - 1} pixels");
        }

        var views = new List<float[]> { faces };
        if (shift > 0)
        {
            views.AddRange(new[] { (shift, 0), (-shift, 0), (0, shift), (0, -shift) }
                .Select(d => Shifted(faces, d.Item1, d.Item2)));
        }

        if (mirror)
        {
            views.AddRange(views.ToArray().Select(Mirrored));
        }

        var probs = Probabilities(views[0], batch, time);
        for (int v = 1; v < views.Count; v++)
        {
            var more = Probabilities(views[v], batch, time);
            for (int i = 0; i < probs.Length; i++)
            {
                probs[i] += more[i];
            }
        }

        float scale = 1f / views.Count;
        var rows = new float[batch * time][];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = probs.AsSpan(r * Labels.Count, Labels.Count).ToArray();
            foreach (ref float p in rows[r].AsSpan())
            {
                p *= scale;
            }
        }

        return rows;
    }

    private float[] Probabilities(float[] faces, int batch, int time)
    {
        Net.Eval();
        using var noGrad = Tape.NoGrad();
        var logits = Net.Forward(Tensor.FromArray(faces, batch, time, 1, Side, Side));   // [batch, time, classes]
        return Ops.Softmax(Ops.Reshape(logits, batch * time, Labels.Count)).ToArray();
    }

    // Every side x side frame reversed along its rows.
    private float[] Mirrored(float[] faces)
    {
        var m = new float[faces.Length];
        for (int row = 0; row < faces.Length / Side; row++)
        {
            var src = faces.AsSpan(row * Side, Side);
            var dst = m.AsSpan(row * Side, Side);
            for (int x = 0; x < Side; x++)
            {
                dst[x] = src[Side - 1 - x];
            }
        }

        return m;
    }

    // Every side x side frame moved dx pixels right and dy down; pixels from outside repeat the edge.
    private float[] Shifted(float[] faces, int dx, int dy)
    {
        int area = Side * Side;
        var m = new float[faces.Length];
        for (int frame = 0; frame < faces.Length / area; frame++)
        {
            var src = faces.AsSpan(frame * area, area);
            var dst = m.AsSpan(frame * area, area);
            for (int y = 0; y < Side; y++)
            {
                int sy = Math.Clamp(y - dy, 0, Side - 1);
                for (int x = 0; x < Side; x++)
                {
                    dst[y * Side + x] = src[sy * Side + Math.Clamp(x - dx, 0, Side - 1)];
                }
            }
        }

        return m;
    }

    /// <summary>Probabilities after each step of one sequence of <paramref name="time"/> faces.</summary>
    public float[][] PredictSteps(float[] faces, int time, bool mirror = false, int shift = 0) =>
        Predict(faces, 1, time, mirror, shift);
}
