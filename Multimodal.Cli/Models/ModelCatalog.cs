using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Multimodal.Cli.Models;

/// <summary>
/// Reads the model directories of a models folder. A model directory is a folder holding
/// config.json, weights.safetensors and MODEL_CARD.md; see <see cref="ModelInfo.RequiredFiles"/>.
/// </summary>
public static partial class ModelCatalog
{
    /// <summary>
    /// Every sub-folder of <paramref name="modelsFolder"/>, sorted by name: the valid ones as
    /// models, the others as problems ("folder: reason") so a broken bundled model is not hidden.
    /// </summary>
    public static (IReadOnlyList<ModelInfo> Models, IReadOnlyList<ModelProblem> Problems) Scan(
        string modelsFolder)
    {
        var models = new List<ModelInfo>();
        var problems = new List<ModelProblem>();
        var folders = Directory.GetDirectories(modelsFolder).Order(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            try
            {
                models.Add(Load(folder));
            }
            catch (InvalidDataException ex)
            {
                problems.Add(new ModelProblem(folder, ex.Message));
            }
        }

        return (models, problems);
    }

    /// <summary>Reads and checks one model directory.</summary>
    /// <exception cref="InvalidDataException">A file is missing or malformed; the message says which.</exception>
    public static ModelInfo Load(string folder)
    {
        var missing = ModelInfo.RequiredFiles.Where(f => !File.Exists(Path.Combine(folder, f))).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"not a model folder: missing {string.Join(", ", missing)}");
        }

        using var config = ReadConfig(Path.Combine(folder, "config.json"));
        var root = config.RootElement;
        var weights = ReadWeights(Path.Combine(folder, "weights.safetensors"));
        var card = File.ReadAllText(Path.Combine(folder, "MODEL_CARD.md"));

        var task = root.TryGetProperty("task", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()! : "?";
        var size = new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        return new ModelInfo(
            Path.GetFileName(folder), Path.GetFullPath(folder), task, size, weights.ParameterCount,
            KeyMetric(root, card));
    }

    /// <summary>
    /// The headline metric, from the first place that has one: config.json "key_metric" (a
    /// string), the first entry of config.json "metrics" (an object of name -> number), or a
    /// "Key metric: ..." line in the model card.
    /// </summary>
    public static string? KeyMetric(JsonElement config, string card)
    {
        if (config.TryGetProperty("key_metric", out var key) && key.ValueKind == JsonValueKind.String)
        {
            return key.GetString();
        }

        if (config.TryGetProperty("metrics", out var metrics) && metrics.ValueKind == JsonValueKind.Object)
        {
            foreach (var metric in metrics.EnumerateObject())
            {
                return metric.Value.ValueKind == JsonValueKind.Number
                    ? $"{metric.Name} {metric.Value.GetDouble().ToString("0.####", CultureInfo.InvariantCulture)}"
                    : $"{metric.Name} {metric.Value}";
            }
        }

        var line = KeyMetricLine().Match(card);
        return line.Success ? line.Groups["value"].Value.Trim() : null;
    }

    private static JsonDocument ReadConfig(string path)
    {
        try
        {
            var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                var kind = doc.RootElement.ValueKind;
                doc.Dispose();
                throw new InvalidDataException($"config.json holds a JSON {kind}, expected an object");
            }

            return doc;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"config.json is not valid JSON ({ex.Message})", ex);
        }
    }

    private static SafeTensorsSummary ReadWeights(string path)
    {
        try
        {
            return SafeTensorsSummary.Read(path);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"weights.safetensors: {ex.Message}", ex);
        }
    }

    // "Key metric: WER 21.3% on ..." with optional Markdown bold or list marker around the label.
    [GeneratedRegex(@"^[\s\-\*]*\**key metric\**\s*:\s*\**(?<value>.+?)\**\s*$",
        RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex KeyMetricLine();
}

/// <summary>A folder under models/ that is not a usable model.</summary>
/// <param name="Folder">Full path of the folder.</param>
/// <param name="Reason">What is wrong with it.</param>
public sealed record ModelProblem(string Folder, string Reason);
