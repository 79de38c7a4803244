using Rnn.Core.Onnx;

namespace Rnn.Core.Tests.Onnx;

// Expected bytes come from the worked examples of the protobuf encoding guide
// (https://protobuf.dev/programming-guides/encoding/): 150 in field 1 is 08 96 01, etc.
public sealed class ProtoWireTests
{
    [TestCase(1L, new byte[] { 0x08, 0x01 })]
    [TestCase(150L, new byte[] { 0x08, 0x96, 0x01 })]
    [TestCase(300L, new byte[] { 0x08, 0xAC, 0x02 })]
    [TestCase(-1L, new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void VarintFieldMatchesTheSpec(long value, byte[] expected) =>
        Assert.That(new ProtoWriter().Int64(1, value).ToArray(), Is.EqualTo(expected));

    [Test]
    public void StringFloatAndNestedFieldsMatchTheSpec()
    {
        byte[] bytes = new ProtoWriter()
            .String(2, "testing")
            .Float(5, 1f)
            .Message(3, m => m.Int64(1, 150))
            .ToArray();
        byte[] expected =
        {
            0x12, 0x07, (byte)'t', (byte)'e', (byte)'s', (byte)'t', (byte)'i', (byte)'n', (byte)'g',
            0x2D, 0x00, 0x00, 0x80, 0x3F,     // field 5, wire type 5, 1.0f little-endian
            0x1A, 0x03, 0x08, 0x96, 0x01,     // field 3, length 3, nested {1: 150}
        };
        Assert.That(bytes, Is.EqualTo(expected));
    }

    [Test]
    public void ReaderDecodesWhatTheWriterWrote()
    {
        byte[] bytes = new ProtoWriter()
            .Int64(1, -5)
            .String(20, "ünï")
            .Float(3, -2.5f)
            .Message(4, m => m.Int64(1, 1L << 40))
            .ToArray();
        var fields = new ProtoReader(bytes).Fields().ToList();

        Assert.That(fields.Select(f => f.Number), Is.EqualTo(new[] { 1, 20, 3, 4 }));
        Assert.That(fields[0].Int64, Is.EqualTo(-5));
        Assert.That(fields[1].String, Is.EqualTo("ünï"));
        Assert.That(fields[2].Float, Is.EqualTo(-2.5f));
        Assert.That(fields[3].Message.Fields().Single().Int64, Is.EqualTo(1L << 40));
    }

    [Test]
    public void PackedAndUnpackedRepeatedValuesBothDecode()
    {
        var packed = new ProtoWriter();
        var inner = new ProtoWriter();
        inner.WriteVarint(3);
        inner.WriteVarint(270);
        packed.Bytes(1, inner.ToArray());
        var field = new ProtoReader(packed.ToArray()).Fields().Single();
        Assert.That(ProtoReader.Int64s(field), Is.EqualTo(new[] { 3L, 270L }));

        var single = new ProtoReader(new ProtoWriter().Int64(1, 9).ToArray()).Fields().Single();
        Assert.That(ProtoReader.Int64s(single), Is.EqualTo(new[] { 9L }));
    }

    [TestCase(new byte[] { 0x0A, 0x05, 0x01 }, "claims 5 bytes")]
    [TestCase(new byte[] { 0x08, 0xFF }, "varint runs past the end")]
    [TestCase(
        new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, "longer than 10 bytes")]
    [TestCase(new byte[] { 0x0B }, "unsupported wire type 3")]
    [TestCase(new byte[] { 0x0D, 0x00 }, "needs 4 bytes")]
    [TestCase(new byte[] { 0x00 }, "field number 0")]
    public void MalformedInputIsRefused(byte[] bytes, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => new ProtoReader(bytes).Fields().ToList());
        Assert.That(error!.Message, Does.Contain(expected));
    }
}
