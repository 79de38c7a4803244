using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Multimodal.Cli.Tests.Support;

/// <summary>Writes small but well-formed model folders (config, safetensors weights, card).</summary>
internal static class FakeModels
{
    /// <summary>
    /// Creates models/NAME with float32 tensors of the given shapes (zeros) and returns its path.
    /// </summary>
    public static string Write(
        string modelsFolder, string name, string task, IReadOnlyDictionary<string, int[]> tensors,
        object? extraConfig = null, string? card = null)
    {
        var folder = Path.Combine(modelsFolder, name);
        Directory.CreateDirectory(folder);

        var config = new Dictionary<string, object?> { ["task"] = task, ["architecture"] = "test" };
        if (extraConfig is not null)
        {
            foreach (var p in JsonSerializer.SerializeToElement(extraConfig).EnumerateObject())
            {
                config[p.Name] = p.Value;
            }
        }

        File.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(config));
        File.WriteAllBytes(Path.Combine(folder, "weights.safetensors"), SafeTensors(tensors));
        File.WriteAllText(Path.Combine(folder, "MODEL_CARD.md"), card ?? $"# {name}\n\nA test model.\n");
        return folder;
    }

    /// <summary>A safetensors file: u64 header length, JSON header, zero-filled F32 data.</summary>
    public static byte[] SafeTensors(IReadOnlyDictionary<string, int[]> tensors)
    {
        var header = new Dictionary<string, object>();
        long offset = 0;
        foreach (var (name, shape) in tensors)
        {
            var bytes = 4L * shape.Aggregate(1L, (a, d) => a * d);
            header[name] = new { dtype = "F32", shape, data_offsets = new[] { offset, offset + bytes } };
            offset += bytes;
        }

        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        var file = new byte[8 + json.Length + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        return file;
    }
}
