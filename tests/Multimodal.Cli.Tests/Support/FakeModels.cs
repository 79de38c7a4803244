using System.Text.Json.Nodes;
using Multimodal.Cli.Commands;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Models;
using Rnn.Core;
using Rnn.Core.Serialization;

namespace Multimodal.Cli.Tests.Support;

/// <summary>
/// Writes small but valid model folders with the project's own writers (ModelConfig,
/// SafeTensors), so "valid" here means what every pipeline will load.
/// </summary>
internal static class FakeModels
{
    /// <summary>The architecture type of the models written here, which no verb runs.</summary>
    public const string Kind = "test-rnn";

    /// <summary>The kinds the listing takes as usable when it lists these models beside real ones.</summary>
    public static ModelKinds Kinds { get; } = ModelKinds.BuiltIn.With(Kind);

    /// <summary>The <c>models</c> verb alone, listing <see cref="Kinds"/>, for <see cref="CliRun.Invoke"/>.</summary>
    public static IReadOnlyList<ICommandModule> Verbs { get; } = [new ModelsCommand(Kinds)];

    /// <summary>Creates models/NAME with float32 zero tensors of the given shapes; returns its path.</summary>
    /// <param name="modelsFolder">The models folder.</param>
    /// <param name="name">Model (folder) name.</param>
    /// <param name="task">The config's top-level "task".</param>
    /// <param name="tensors">Tensor names and shapes.</param>
    /// <param name="extra">Further top-level config fields, e.g. "metrics".</param>
    /// <param name="card">MODEL_CARD.md text; a one-line card by default.</param>
    public static string Write(
        string modelsFolder, string name, string task, IReadOnlyDictionary<string, int[]> tensors,
        JsonObject? extra = null, string? card = null)
    {
        var folder = Path.Combine(modelsFolder, name);
        Directory.CreateDirectory(folder);

        var config = new ModelConfig(Kind);
        config.Extra["task"] = task;
        foreach (var (key, value) in extra ?? new JsonObject())
        {
            config.Extra[key] = value?.DeepClone();
        }

        config.Save(Path.Combine(folder, "config.json"));
        SafeTensors.Save(Path.Combine(folder, "weights.safetensors"),
            tensors.Select(t => (t.Key, Backends.Default.Zeros(t.Value))));
        File.WriteAllText(Path.Combine(folder, "MODEL_CARD.md"), card ?? $"# {name}\n\nA test model.\n");
        return folder;
    }
}
