using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Unicode;

namespace Rnn.Core.Serialization;

/// <summary>
/// Validation of a safetensors header against the bytes that follow it. Nothing from the file is
/// trusted until every check below has passed; each failure names the file and the reason.
/// </summary>
internal sealed class SafeTensorsHeader
{
    private static readonly HashSet<string> EntryFields =
        new(StringComparer.Ordinal) { "dtype", "shape", "data_offsets" };

    private readonly string source;

    private SafeTensorsHeader(string source) => this.source = source;

    /// <summary>Byte offset of the data region within the file.</summary>
    public long DataStart { get; private set; }

    /// <summary>Tensors in header order.</summary>
    public List<SafeTensorInfo> Tensors { get; } = new();

    /// <summary>The "__metadata__" pairs.</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    public static SafeTensorsHeader Parse(byte[] file, string source) => Parse(file, file.Length, source);

    /// <summary>
    /// Validates a header given only the start of the file: <paramref name="prefix"/> holds at least the
    /// 8-byte length and the header (or the whole file when it is shorter), <paramref name="fileLength"/> the
    /// real length, against which the header and every offset are checked.
    /// </summary>
    public static SafeTensorsHeader Parse(byte[] prefix, long fileLength, string source)
    {
        var header = new SafeTensorsHeader(source);
        var json = header.HeaderBytes(prefix, fileLength);
        long dataLength = fileLength - header.DataStart;
        header.ParseJson(json, dataLength);
        header.CheckCoverage(dataLength);
        return header;
    }

    /// <summary>
    /// How many bytes of the file <see cref="Parse(byte[], long, string)"/> needs: the 8-byte length plus
    /// the header when that length is plausible, else just the 8 bytes (the checks then fail on them).
    /// </summary>
    public static long PrefixLength(ReadOnlySpan<byte> first8, long fileLength)
    {
        if (first8.Length < 8)
        {
            return first8.Length;
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(first8);
        return headerLength <= SafeTensors.MaxHeaderBytes && 8 + (long)headerLength <= fileLength
            ? 8 + (long)headerLength
            : 8;
    }

    private InvalidDataException Fail(string reason) => new($"{source}: {reason}");

    private ReadOnlyMemory<byte> HeaderBytes(byte[] file, long fileLength)
    {
        if (fileLength < 8)
        {
            throw Fail($"file is {fileLength} bytes, shorter than the 8-byte header length that starts " +
                       "every safetensors file (empty or truncated file?)");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > SafeTensors.MaxHeaderBytes)
        {
            throw Fail($"header length {headerLength} bytes exceeds the {SafeTensors.MaxHeaderBytes}-byte limit " +
                       "(corrupt file, or not a safetensors file?)");
        }

        if (8 + (long)headerLength > fileLength)
        {
            throw Fail($"header length {headerLength} bytes runs past the end of the {fileLength}-byte file " +
                       "(file truncated?)");
        }

        DataStart = 8 + (long)headerLength;
        if (headerLength == 0 || file[8] != (byte)'{')
        {
            throw Fail("header does not start with '{' (not a safetensors file?)");
        }

        var json = file.AsMemory(8, (int)headerLength);

        // System.Text.Json only notices bad UTF-8 when a name is transcoded, and then throws
        // InvalidOperationException; check up front so it is one line like every other refusal.
        if (!Utf8.IsValid(json.Span))
        {
            throw Fail("header is not valid UTF-8 JSON");
        }

        return json;
    }

    private void ParseJson(ReadOnlyMemory<byte> json, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw Fail($"header is not valid JSON ({FirstLine(e.Message)})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Fail($"header JSON is a JSON {document.RootElement.ValueKind}, expected an object");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                // JsonDocument keeps duplicate keys; a second entry would silently shadow the first.
                if (!seen.Add(property.Name))
                {
                    throw Fail($"name '{property.Name}' appears twice in the header");
                }

                if (property.Name == SafeTensors.MetadataKey)
                {
                    ParseMetadata(property.Value);
                }
                else
                {
                    Tensors.Add(ParseEntry(property.Name, property.Value, dataLength));
                }
            }
        }
    }

    private void ParseMetadata(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"\"{SafeTensors.MetadataKey}\" is a JSON {value.ValueKind}, expected an object of strings");
        }

        foreach (var pair in value.EnumerateObject())
        {
            if (pair.Value.ValueKind != JsonValueKind.String)
            {
                throw Fail($"\"{SafeTensors.MetadataKey}\" value '{pair.Name}' is a JSON {pair.Value.ValueKind}, " +
                           "expected a string");
            }

            if (!Metadata.TryAdd(pair.Name, pair.Value.GetString()!))
            {
                throw Fail($"\"{SafeTensors.MetadataKey}\" key '{pair.Name}' appears twice");
            }
        }
    }

    private SafeTensorInfo ParseEntry(string name, JsonElement entry, long dataLength)
    {
        if (name.Length == 0)
        {
            throw Fail("a tensor has an empty name");
        }

        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"tensor '{name}' is a JSON {entry.ValueKind}, " +
                       "expected an object with dtype, shape, data_offsets");
        }

        foreach (var field in entry.EnumerateObject())
        {
            if (!EntryFields.Contains(field.Name))
            {
                throw Fail($"tensor '{name}' has unknown field '{field.Name}' (expected dtype, shape, data_offsets)");
            }
        }

        var dtype = ParseDType(name, Field(name, entry, "dtype"));
        int[] shape = ParseShape(name, Field(name, entry, "shape"));
        var (begin, end) = ParseOffsets(name, Field(name, entry, "data_offsets"));
        CheckSize(name, dtype, shape, begin, end, dataLength);
        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    private JsonElement Field(string name, JsonElement entry, string field) =>
        entry.TryGetProperty(field, out var value) ? value : throw Fail($"tensor '{name}' has no \"{field}\"");

    private SafeTensorDType ParseDType(string name, JsonElement value)
    {
        string text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        if (value.ValueKind != JsonValueKind.String || !SafeTensorDTypes.TryParse(text, out var dtype))
        {
            throw Fail($"tensor '{name}' has unknown dtype {Quote(text)} " +
                       $"(known: {string.Join(", ", Enum.GetNames<SafeTensorDType>())})");
        }

        return dtype;
    }

    private int[] ParseShape(string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Fail($"tensor '{name}' shape is {value.GetRawText()}, expected an array of integers");
        }

        var shape = new int[value.GetArrayLength()];
        int i = 0;
        foreach (var dim in value.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long d) || d < 0)
            {
                throw Fail($"tensor '{name}' shape {value.GetRawText()} has dimension {dim.GetRawText()}, " +
                           "expected a non-negative integer");
            }

            if (d > int.MaxValue)
            {
                throw Fail($"tensor '{name}' dimension {d} exceeds {int.MaxValue}, the largest this library holds");
            }

            shape[i++] = (int)d;
        }

        return shape;
    }

    private (long Begin, long End) ParseOffsets(string name, JsonElement value)
    {
        long[] offsets = new long[2];
        bool ok = value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 2;
        int i = 0;
        if (ok)
        {
            foreach (var item in value.EnumerateArray())
            {
                ok &= item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out offsets[i]) && offsets[i] >= 0;
                i++;
            }
        }

        if (!ok || offsets[0] > offsets[1])
        {
            throw Fail($"tensor '{name}' data_offsets {value.GetRawText()} " +
                       "are not [begin, end] with 0 <= begin <= end");
        }

        return (offsets[0], offsets[1]);
    }

    private void CheckSize(string name, SafeTensorDType dtype, int[] shape, long begin, long end, long dataLength)
    {
        long expected;
        try
        {
            expected = checked(shape.Aggregate(1L, (n, d) => checked(n * d)) * SafeTensorDTypes.Size(dtype));
        }
        catch (OverflowException)
        {
            throw Fail($"tensor '{name}' shape {Rnn.Core.Shape.Format(shape)} overflows a 64-bit byte count");
        }

        if (expected != end - begin)
        {
            throw Fail($"tensor '{name}' shape {Rnn.Core.Shape.Format(shape)} of {dtype} needs {expected} bytes " +
                       $"but data_offsets [{begin}, {end}] span {end - begin}");
        }

        if (end > dataLength)
        {
            throw Fail($"tensor '{name}' data_offsets [{begin}, {end}] exceed the {dataLength} data bytes present " +
                       "(file truncated?)");
        }

        if (expected / SafeTensorDTypes.Size(dtype) > int.MaxValue)
        {
            throw Fail($"tensor '{name}' has {expected / SafeTensorDTypes.Size(dtype)} elements, over 2^31-1");
        }
    }

    private void CheckCoverage(long dataLength)
    {
        // Sorted by position, the ranges must tile [0, dataLength): no gap, no overlap, no tail.
        var ordered = Tensors.OrderBy(t => t.Begin).ThenBy(t => t.End).ToList();
        long position = 0;
        SafeTensorInfo? previous = null;
        foreach (var t in ordered)
        {
            if (t.Begin < position)
            {
                throw Fail($"tensor '{t.Name}' data_offsets [{t.Begin}, {t.End}] overlap tensor '{previous!.Name}' " +
                           $"[{previous.Begin}, {previous.End}]");
            }

            if (t.Begin > position)
            {
                string after = previous is null ? "the start of the data region" : $"tensor '{previous.Name}'";
                throw Fail($"{t.Begin - position} unused bytes between {after} (ends at {position}) and tensor " +
                           $"'{t.Name}' (starts at {t.Begin})");
            }

            position = t.End;
            previous = t;
        }

        if (position != dataLength)
        {
            throw Fail($"the data region has {dataLength} bytes but the tensors cover only {position} " +
                       $"({dataLength - position} trailing bytes)");
        }
    }

    private static string Quote(string text) => text.StartsWith('"') ? text : $"'{text}'";

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(new[] { '\r', '\n' });
        return newline < 0 ? message : message[..newline];
    }
}
