using System.Buffers.Binary;
using System.Text;
using Rnn.Core.Serialization;
using Rnn.Core.Tests.Training;

namespace Rnn.Core.Tests.Serialization;

public sealed class SafeTensorsTests
{
    private const string Source = "weights.safetensors";

    [Test]
    public void RoundTripKeepsNamesShapesValuesAndMetadata()
    {
        var rng = new Rng(11);
        float[] a = Enumerable.Range(0, 24).Select(_ => rng.Uniform(-3f, 3f)).ToArray();
        var writer = new SafeTensorsWriter();
        writer.Metadata["format"] = "rnn-core";
        writer.Metadata["note"] = "ünïcode \"quoted\"";
        writer.Add("enc.lstm.weight_ih", new[] { 2, 3, 4 }, a);
        writer.Add("scalar", Array.Empty<int>(), new[] { 42.5f });
        writer.Add("empty", new[] { 0, 5 }, Array.Empty<float>());

        var file = SafeTensorsFile.Parse(writer.ToArray(), Source);

        Assert.That(file.Tensors.Select(t => t.Name), Is.EqualTo(new[] { "enc.lstm.weight_ih", "scalar", "empty" }));
        Assert.That(file.Metadata["note"], Is.EqualTo("ünïcode \"quoted\""));
        Assert.That(file["enc.lstm.weight_ih"].Shape, Is.EqualTo(new[] { 2, 3, 4 }));
        Assert.That(file.ReadFloats("enc.lstm.weight_ih"), Is.EqualTo(a));
        Assert.That(file["scalar"].Shape, Is.Empty);
        Assert.That(file.ReadFloats("scalar"), Is.EqualTo(new[] { 42.5f }));
        Assert.That(file.ReadTensor("empty").ShapeArray, Is.EqualTo(new[] { 0, 5 }));
    }

    [TestCase(SafeTensorDType.F16, 1e-3f)]  // half: 11-bit significand, relative error <= 2^-11
    [TestCase(SafeTensorDType.BF16, 8e-3f)] // bfloat16: 8-bit significand, relative error <= 2^-8
    public void ReducedPrecisionRoundTripIsWithinHalfAnUlp(SafeTensorDType dtype, float relative)
    {
        var rng = new Rng(12);
        float[] values = Enumerable.Range(0, 200).Select(_ => rng.Uniform(-4f, 4f)).ToArray();
        var bytes = new SafeTensorsWriter().Add("w", new[] { 200 }, values, dtype).ToArray();
        var file = SafeTensorsFile.Parse(bytes, Source);

        Assert.That(file["w"].DType, Is.EqualTo(dtype));
        Assert.That(file["w"].ByteLength, Is.EqualTo(400));
        float[] back = file.ReadFloats("w");
        for (int i = 0; i < values.Length; i++)
        {
            Assert.That(back[i], Is.EqualTo(values[i]).Within(relative * MathF.Abs(values[i]) + 1e-7f), $"element {i}");
        }
    }

    // A missing file, and a link whose target is gone, say so after the path once (a checkpoint's
    // warning line shows the text after the path).
    [Test]
    public void AMissingFileOrADanglingLinkIsOneClearLine()
    {
        using var dir = new TempDir();
        string missing = Path.Combine(dir.Path, "missing.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => SafeTensorsFile.Read(missing));
        Assert.That(e!.Message, Is.EqualTo($"{missing}: no such file"));

        string link = Path.Combine(dir.Path, "link.safetensors");
        File.CreateSymbolicLink(link, Path.Combine(dir.Path, "gone.safetensors"));
        e = Assert.Throws<FileNotFoundException>(() => SafeTensorsFile.Read(link));
        Assert.That(e!.Message, Is.EqualTo($"{link}: a link to a file that does not exist"));
    }

    // Written with a data checksum, the file verifies; a changed data byte is refused as corrupt;
    // the key cannot be set by hand next to the writer's own.
    [Test]
    public void DataChecksumVerifiesAndRefusesChangedData()
    {
        var writer = new SafeTensorsWriter { RecordDataChecksum = true };
        writer.Add("w", new[] { 4 }, new[] { 1f, 2f, 3f, 4f });
        byte[] bytes = writer.ToArray();
        Assert.That(SafeTensorsFile.Parse(bytes, Source).DataVerified, Is.True);

        bytes[^2] ^= 0x01;
        var e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(bytes, Source));
        Assert.That(e!.Message, Does.StartWith($"{Source}: corrupt (checksum mismatch)"));

        writer.Metadata[SafeTensors.DataChecksumKey] = "sha256:00";
        Assert.Throws<ArgumentException>(() => writer.ToArray());
    }

    [Test]
    public void WriterLayoutMatchesThePublicSpecByteForByte()
    {
        var writer = new SafeTensorsWriter();
        writer.Metadata["k"] = "v";
        writer.Add("a", new[] { 2 }, new[] { 1f, -2f });
        writer.Add("h", new[] { 1, 1 }, new[] { 1f }, SafeTensorDType.F16);
        writer.Add("b", new[] { 1 }, new[] { 1f }, SafeTensorDType.BF16);
        byte[] file = writer.ToArray();

        string json = "{\"__metadata__\":{\"k\":\"v\"}," +
                      "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}," +
                      "\"h\":{\"dtype\":\"F16\",\"shape\":[1,1],\"data_offsets\":[8,10]}," +
                      "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[10,12]}}";
        int padded = (json.Length + 7) / 8 * 8;
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.That(headerLength, Is.EqualTo((ulong)padded), "header padded to 8-byte alignment");
        Assert.That(Encoding.UTF8.GetString(file, 8, padded), Is.EqualTo(json.PadRight(padded, ' ')));

        byte[] data = file[(8 + padded)..];
        byte[] expected =
        {
            0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0, // 1f, -2f little-endian IEEE 754
            0x00, 0x3C,                                     // half 1.0 = 0x3C00
            0x80, 0x3F,                                     // bfloat16 1.0 = 0x3F80
        };
        Assert.That(data, Is.EqualTo(expected));
    }

    [Test]
    public void ReaderAcceptsHandBuiltFileWithSpacePaddingAndOtherDTypes()
    {
        // Built from the spec by hand, not by our writer; keys in non-offset order on purpose.
        string json = "{\"z\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}," +
                      "\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}   ";
        byte[] data = { 1, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x40, 0x40 };
        var file = SafeTensorsFile.Parse(Build(json, data), Source);

        Assert.That(file.ReadFloats("z"), Is.EqualTo(new[] { 3f }));
        Assert.That(file.RawBytes("i").ToArray(), Is.EqualTo(data[..8]));
        var error = Assert.Throws<NotSupportedException>(() => file.ReadFloats("i"));
        Assert.That(error!.Message, Does.Contain("'i' is I64"));
    }

    [Test]
    public void SaveAndLoadThroughDisk()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnn-st-{Guid.NewGuid():N}.safetensors");
        try
        {
            var t = Tensor.FromArray(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, 2, 3);
            SafeTensors.Save(path, new[] { ("t", t) }, metadata: new Dictionary<string, string> { ["x"] = "y" });
            var file = SafeTensors.Load(path);
            Assert.That(file.ReadTensor("t").ToArray(), Is.EqualTo(t.ToArray()));
            Assert.That(file.Metadata["x"], Is.EqualTo("y"));
            Assert.That(file.Source, Is.EqualTo(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void OutOfRangeOffsetsGiveTheDocumentedMessage()
    {
        byte[] file = Build(Entry("rnn.weight_ih", "F32", "[1024]", 0, 4096), new byte[2048]);
        var error = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(file, Source));
        Assert.That(error!.Message, Is.EqualTo(
            "weights.safetensors: tensor 'rnn.weight_ih' data_offsets [0, 4096] exceed the 2048 data bytes " +
            "present (file truncated?)"));
    }

    [Test]
    public void WriterRejectsBadInput()
    {
        var writer = new SafeTensorsWriter().Add("a", new[] { 1 }, new[] { 1f });
        Assert.Throws<ArgumentException>(() => writer.Add("a", new[] { 1 }, new[] { 1f }));
        Assert.Throws<ArgumentException>(() => writer.Add("__metadata__", new[] { 1 }, new[] { 1f }));
        Assert.Throws<ArgumentException>(() => writer.Add("b", new[] { 2 }, new[] { 1f }));
        Assert.Throws<NotSupportedException>(() => writer.Add("c", new[] { 1 }, new[] { 1f }, SafeTensorDType.I32));
    }

    [TestCaseSource(nameof(Malformed))]
    public void MalformedFileIsRefusedWithASpecificOneLineMessage(byte[] file, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(file, Source));
        Assert.That(error!.Message, Does.StartWith(Source + ": ").And.Contain(expected));
        Assert.That(error.Message, Does.Not.Contain("\n"));
    }

    [TestCaseSource(nameof(Malformed))]
    public void ReadHeaderRefusesMalformedFilesWithTheSameMessageAsParse(byte[] file, string expected)
    {
        using var temp = new Rnn.Core.Tests.Training.TempDir();
        string path = Path.Combine(temp.Path, Source);
        File.WriteAllBytes(path, file);

        var error = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.ReadHeader(path));
        Assert.That(error!.Message, Does.StartWith(path + ": ").And.Contain(expected));
        Assert.That(error.Message, Does.Not.Contain("\n"));
    }

    [Test]
    public void ReadHeaderMatchesParseOnAGoodFile()
    {
        using var temp = new Rnn.Core.Tests.Training.TempDir();
        string path = Path.Combine(temp.Path, Source);
        var writer = new SafeTensorsWriter().Add("a", new[] { 2, 3 }, new float[6]).Add("b", new[] { 4 }, new float[4]);
        writer.Metadata["format"] = "pt";
        File.WriteAllBytes(path, writer.ToArray());

        var layout = SafeTensorsFile.ReadHeader(path, Source);
        var full = SafeTensorsFile.Read(path);

        Assert.That(layout.Source, Is.EqualTo(Source));
        Assert.That(layout.Tensors, Is.EqualTo(full.Tensors).Using<SafeTensorInfo>(
            (x, y) => x.Name == y.Name && x.DType == y.DType && x.Shape.SequenceEqual(y.Shape) && x.Begin == y.Begin
                && x.End == y.End));
        Assert.That(layout.Metadata["format"], Is.EqualTo("pt"));
        Assert.That(layout.ElementCount, Is.EqualTo(10));
    }

    [Test]
    public void AFileOver2GiBHasItsHeaderReadButAFullReadIsRefusedNamingIt()
    {
        using var temp = new Rnn.Core.Tests.Training.TempDir();
        string path = Path.Combine(temp.Path, Source);
        const long bytes = 800_000_000L * 4;
        byte[] header = Encoding.ASCII.GetBytes(Entry("a", "F32", "[800000000]", 0, bytes));
        using (var f = File.Create(path))
        {
            f.Write(BitConverter.GetBytes((ulong)header.Length));
            f.Write(header);
            f.SetLength(8 + header.Length + bytes); // sparse: no disk used
        }

        var layout = SafeTensorsFile.ReadHeader(path);
        Assert.That(layout.ElementCount, Is.EqualTo(800_000_000L));

        var error = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(path));
        Assert.That(error!.Message, Is.EqualTo(
            $"{path}: {8 + header.Length + bytes} bytes; files over 2 GiB are not supported"));
    }

    private static IEnumerable<TestCaseData> Malformed()
    {
        byte[] good = new SafeTensorsWriter()
            .Add("a", new[] { 2, 2 }, new[] { 1f, 2f, 3f, 4f })
            .Add("b", new[] { 3 }, new[] { 5f, 6f, 7f })
            .ToArray();
        int dataStart = good.Length - 28;
        string twoOk = Entry("a", "F32", "[2]", 0, 8);

        yield return Case("empty file", Array.Empty<byte>(), "file is 0 bytes, shorter than the 8-byte");
        yield return Case("truncated in length", good[..5], "file is 5 bytes");
        yield return Case("truncated in header", good[..40], $"header length {dataStart - 8} bytes runs past the end");
        yield return Case("truncated in data", good[..^4], "tensor 'b' data_offsets [16, 28] exceed the 24 data bytes");
        yield return Case("truncated after header", good[..dataStart], "exceed the 0 data bytes present");
        yield return Case("huge header length", WithLength(good, 1UL << 40), "exceeds the 100000000-byte limit");
        yield return Case("max header length", WithLength(good, ulong.MaxValue), "exceeds the 100000000-byte limit");
        yield return Case("zero header length", WithLength(new byte[16], 0), "does not start with '{'");
        yield return Case("not an object", Build("[1, 2]", Array.Empty<byte>()), "does not start with '{'");
        yield return Case("bad JSON", Build("{\"a\": {\"dtype\": ", new byte[8]), "header is not valid JSON");
        yield return Case("invalid UTF-8", Build(InvalidUtf8Name(), new byte[4]), "header is not valid UTF-8 JSON");
        yield return Case("trailing comma", Build("{\"a\": 1,}", Array.Empty<byte>()), "header is not valid JSON");
        yield return Case("bad dtype", Build(Entry("a", "F33", "[2]", 0, 8), new byte[8]), "unknown dtype 'F33'");
        yield return Case("lower-case dtype", Build(Entry("a", "f32", "[2]", 0, 8), new byte[8]),
            "unknown dtype 'f32'");
        yield return Case("numeric dtype", Build("{\"a\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}",
            new byte[8]), "unknown dtype '4'");
        yield return Case("negative dimension", Build(Entry("a", "F32", "[-2]", 0, 8), new byte[8]),
            "has dimension -2, expected a non-negative integer");
        yield return Case("fractional dimension", Build(Entry("a", "F32", "[2.5]", 0, 8), new byte[8]),
            "has dimension 2.5");
        yield return Case("shape mismatch", Build(Entry("a", "F32", "[3]", 0, 8), new byte[8]),
            "tensor 'a' shape [3] of F32 needs 12 bytes but data_offsets [0, 8] span 8");
        yield return Case("overflowing shape", Build(Entry("a", "F64", "[2147483647, 2147483647, 2147483647]", 0, 8),
            new byte[8]), "overflows a 64-bit byte count");
        yield return Case("overlapping offsets", Build("{" + twoOk[1..^1] + "," + Entry("b", "F32", "[2]", 4, 12)[1..],
            new byte[12]), "tensor 'b' data_offsets [4, 12] overlap tensor 'a' [0, 8]");
        yield return Case("gap between tensors", Build("{" + twoOk[1..^1] + "," + Entry("b", "F32", "[2]", 12, 20)[1..],
            new byte[20]), "4 unused bytes between tensor 'a' (ends at 8) and tensor 'b' (starts at 12)");
        yield return Case("gap at start", Build(Entry("a", "F32", "[2]", 4, 12), new byte[12]),
            "4 unused bytes between the start of the data region");
        yield return Case("trailing data", Build(twoOk, new byte[12]), "has 12 bytes but the tensors cover only 8");
        yield return Case("begin after end", Build(Entry("a", "F32", "[0]", 8, 0), new byte[8]),
            "data_offsets [8,0] are not [begin, end]");
        yield return Case("three offsets", Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,9]}}",
            new byte[8]), "data_offsets [0,8,9] are not [begin, end]");
        yield return Case("duplicate names", Build("{" + twoOk[1..^1] + "," + Entry("a", "F32", "[2]", 8, 16)[1..],
            new byte[16]), "name 'a' appears twice");
        yield return Case("missing dtype", Build("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]),
            "tensor 'a' has no \"dtype\"");
        yield return Case("unknown field", Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]," +
            "\"extra\":1}}", new byte[8]), "unknown field 'extra'");
        yield return Case("entry not an object", Build("{\"a\": [1]}", Array.Empty<byte>()),
            "tensor 'a' is a JSON Array");
        yield return Case("metadata not strings", Build("{\"__metadata__\":{\"n\":3}}", Array.Empty<byte>()),
            "value 'n' is a JSON Number, expected a string");
        yield return Case("shape not an array", Build(Entry("a", "F32", "2", 0, 8), new byte[8]),
            "shape is 2, expected an array");
    }

    private static TestCaseData Case(string name, byte[] file, string expected) =>
        new TestCaseData(file, expected).SetName("Malformed: " + name);

    private static string Entry(string name, string dtype, string shape, long begin, long end) =>
        $"{{\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}}}";

    // A tensor name of the bytes FF FE, which never occur in UTF-8.
    private static byte[] InvalidUtf8Name() =>
    [
        .. Encoding.ASCII.GetBytes("{\""), 0xFF, 0xFE,
        .. Encoding.ASCII.GetBytes("\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"),
    ];

    private static byte[] Build(string json, byte[] data) => Build(Encoding.UTF8.GetBytes(json), data);

    private static byte[] Build(byte[] header, byte[] data)
    {
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    private static byte[] WithLength(byte[] file, ulong headerLength)
    {
        byte[] copy = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(copy, headerLength);
        return copy;
    }
}
