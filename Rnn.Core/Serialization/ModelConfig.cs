using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rnn.Core.Serialization;

/// <summary>
/// The config.json of a model directory: a fixed <c>"format": "multimodal-model"</c>, a schema
/// <c>"version"</c>, and free-form JSON sections that the pipeline owning the model defines:
/// <c>"architecture"</c> (required, with a string <c>"type"</c> naming the model kind),
/// <c>"preprocessing"</c> (object) and <c>"vocabulary"</c> (any JSON). Other top-level fields are
/// kept as they are, so a config read and saved again loses nothing.
/// </summary>
/// <example>
/// <code>
/// var config = new ModelConfig("ctc-bilstm");
/// config.Architecture["hidden"] = 256;
/// config.Preprocessing["sample_rate"] = 16000;
/// config.Vocabulary = new JsonArray("_", "a", "b");
/// config.Save("model/config.json");
/// int hidden = ModelConfig.Read("model/config.json").Get&lt;int&gt;("architecture.hidden");
/// </code>
/// </example>
public sealed class ModelConfig
{
    /// <summary>The value of the "format" field of every config this library writes.</summary>
    public const string FormatName = "multimodal-model";

    /// <summary>The schema version written now; reading accepts 1 up to this.</summary>
    public const int CurrentVersion = 1;

    private static readonly string[] Known = { "format", "version", "architecture", "preprocessing", "vocabulary" };
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>A new config for a model of the given kind (architecture.type).</summary>
    public ModelConfig(string architectureType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(architectureType);
        Architecture = new JsonObject { ["type"] = architectureType };
    }

    private ModelConfig(string source, int version, JsonObject architecture)
    {
        Source = source;
        Version = version;
        Architecture = architecture;
    }

    /// <summary>Where the config was read from (used in errors), or "config" for a new one.</summary>
    public string Source { get; } = "config";

    /// <summary>Schema version; <see cref="CurrentVersion"/> for a new config.</summary>
    public int Version { get; } = CurrentVersion;

    /// <summary>Layer sizes and kinds; always holds a string "type".</summary>
    public JsonObject Architecture { get; }

    /// <summary>Input preparation (sample rate, image size, normalisation...).</summary>
    public JsonObject Preprocessing { get; private set; } = new();

    /// <summary>Tokens or labels, in whatever JSON shape the pipeline uses; null when none.</summary>
    public JsonNode? Vocabulary { get; set; }

    /// <summary>Other top-level fields, kept for round trips.</summary>
    public JsonObject Extra { get; private set; } = new();

    /// <summary>The model kind, architecture.type.</summary>
    public string ArchitectureType => Get<string>("architecture.type");

    /// <summary>Reads and validates a config file.</summary>
    public static ModelConfig Read(string path) => Parse(FileKind.ReadSmallText(path, MaxBytes, path), path);

    /// <summary>The largest config.json read (a 100,000-word vocabulary takes about 2 MB).</summary>
    public const long MaxBytes = 16L << 20;

    /// <summary>Validates config JSON; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Not JSON, or a required field is missing or invalid.</exception>
    public static ModelConfig Parse(string json, string source = "config.json")
    {
        JsonObject root = ParseRoot(json, source);
        string format = RequireString(root, "format", source);
        if (format != FormatName)
        {
            throw new InvalidDataException($"{source}: \"format\" is '{format}', expected '{FormatName}'");
        }

        int version = RequireVersion(root, source);
        var architecture = root["architecture"] as JsonObject
            ?? throw new InvalidDataException(
                $"{source}: \"architecture\" is {Describe(root["architecture"])}, expected an object with a \"type\"");
        _ = RequireString(architecture, "type", source, "architecture.");
        var preprocessing = root["preprocessing"];
        if (preprocessing is not null and not JsonObject)
        {
            throw new InvalidDataException(
                $"{source}: \"preprocessing\" is {Describe(preprocessing)}, expected an object");
        }

        var config = new ModelConfig(source, version, (JsonObject)architecture.DeepClone())
        {
            Preprocessing = (JsonObject?)preprocessing?.DeepClone() ?? new JsonObject(),
            Vocabulary = root["vocabulary"]?.DeepClone(),
            Extra = new JsonObject(root.Where(p => !Known.Contains(p.Key))
                .Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))),
        };
        return config;
    }

    /// <summary>
    /// A value by dotted path ("architecture.hidden", "preprocessing.mel.bins", "vocabulary"), converted
    /// with System.Text.Json; errors name the file, the path and the value found.
    /// </summary>
    public T Get<T>(string path) =>
        TryGetNode(path, out var node) && node is not null
            ? Convert<T>(node, path)
            : throw new InvalidDataException($"{Source}: missing \"{path}\" (expected {Kind<T>()})");

    /// <summary>Like <see cref="Get{T}(string)"/>, but <paramref name="fallback"/> when the path is absent.</summary>
    public T Get<T>(string path, T fallback) =>
        TryGetNode(path, out var node) && node is not null ? Convert<T>(node, path) : fallback;

    /// <summary>The config as indented JSON.</summary>
    public string ToJson()
    {
        var root = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = Version,
            ["architecture"] = Architecture.DeepClone(),
            ["preprocessing"] = Preprocessing.DeepClone(),
        };
        if (Vocabulary is not null)
        {
            root["vocabulary"] = Vocabulary.DeepClone();
        }

        foreach (var (key, value) in Extra)
        {
            root[key] = value?.DeepClone();
        }

        return root.ToJsonString(Indented) + "\n";
    }

    /// <summary>Writes the config atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    private bool TryGetNode(string path, out JsonNode? node)
    {
        string[] parts = path.Split('.');
        node = parts[0] switch
        {
            "architecture" => Architecture,
            "preprocessing" => Preprocessing,
            "vocabulary" => Vocabulary,
            _ => Extra[parts[0]],
        };
        for (int i = 1; i < parts.Length && node is not null; i++)
        {
            node = node is JsonObject obj ? obj[parts[i]] : null;
        }

        return node is not null;
    }

    private T Convert<T>(JsonNode node, string path)
    {
        try
        {
            return node.Deserialize<T>() ?? throw new JsonException("null");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException(
                $"{Source}: \"{path}\" is {Describe(node)}, expected {Kind<T>()}", e);
        }
    }

    private static JsonObject ParseRoot(string json, string source)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            // Where, in the file's terms (1-based), not the parser's own sentence about depths and tokens.
            string where = e.LineNumber is { } line
                ? $" at line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1}"
                : "";
            throw new InvalidDataException($"{source}: not valid JSON{where}", e);
        }

        return root as JsonObject ?? throw new InvalidDataException(
            $"{source}: top level is {(root is null ? "null" : Describe(root))}, expected an object");
    }

    private static int RequireVersion(JsonObject root, string source)
    {
        var node = root["version"];
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number
            || !value.TryGetValue(out int version) || version < 1)
        {
            throw new InvalidDataException($"{source}: \"version\" is {Describe(node)}, expected an integer >= 1");
        }

        if (version > CurrentVersion)
        {
            throw new InvalidDataException(
                $"{source}: config version {version} is newer than this library reads ({CurrentVersion}); update it");
        }

        return version;
    }

    private static string RequireString(JsonObject obj, string key, string source, string prefix = "")
    {
        if (obj[key] is JsonValue value && value.TryGetValue(out string? text) && !string.IsNullOrWhiteSpace(text))
        {
            return text;
        }

        throw new InvalidDataException(
            $"{source}: \"{prefix}{key}\" is {Describe(obj[key])}, expected a non-empty string");
    }

    // A value's kind as a config's reader would say it, not as .NET names the type ("Int32",
    // "Double[]", "Nullable`1").
    private static string Kind<T>() => Kind(typeof(T), plural: false);

    private static string Kind(Type type, bool plural) => type switch
    {
        var t when Nullable.GetUnderlyingType(t) is { } inner => Kind(inner, plural),
        var t when t.IsArray => "a list of " + Kind(t.GetElementType()!, plural: true),
        var t when t == typeof(int) || t == typeof(long) => plural ? "whole numbers" : "a whole number",
        var t when t == typeof(double) || t == typeof(float) => plural ? "numbers" : "a number",
        var t when t == typeof(string) => plural ? "strings" : "a string",
        var t when t == typeof(bool) => plural ? "true or false values" : "true or false",
        var t => t.Name,
    };

    private static string Describe(JsonNode? node) => node switch
    {
        null => "missing",
        JsonObject => "an object",
        JsonArray => "an array",
        _ => node.ToJsonString(),
    };
}
