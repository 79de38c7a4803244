using System.Buffers.Binary;
using System.Text;
using Multimodal.Cli.Models;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Models;

[TestFixture]
public sealed class SafeTensorsSummaryTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void Counts_tensors_and_parameters()
    {
        var path = Write(FakeModels.SafeTensors(new Dictionary<string, int[]> { ["a"] = [3, 4], ["b"] = [5] }));

        var summary = SafeTensorsSummary.Read(path);

        Assert.That(summary.TensorCount, Is.EqualTo(2));
        Assert.That(summary.ParameterCount, Is.EqualTo(17));
    }

    [Test]
    public void Metadata_entry_is_not_a_tensor()
    {
        var path = Write(Raw("{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8));

        Assert.That(SafeTensorsSummary.Read(path).TensorCount, Is.EqualTo(1));
    }

    [Test]
    public void Truncated_file_is_rejected()
    {
        var path = Write([1, 2, 3]);

        Assert.That(() => SafeTensorsSummary.Read(path),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("3 bytes"));
    }

    [Test]
    public void Header_longer_than_the_file_is_rejected()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);

        Assert.That(() => SafeTensorsSummary.Read(Write(bytes)),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("header length 1000"));
    }

    [Test]
    public void Offsets_past_the_data_are_rejected()
    {
        var path = Write(Raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8));

        Assert.That(() => SafeTensorsSummary.Read(path),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("[0, 16]"));
    }

    [Test]
    public void Non_json_header_is_rejected()
    {
        Assert.That(() => SafeTensorsSummary.Read(Write(Raw("not json", 0))),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("not valid JSON"));
    }

    private string Write(byte[] bytes)
    {
        var path = Path.Combine(_temp.Path, Guid.NewGuid().ToString("N") + ".safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Raw(string header, int dataBytes)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        return file;
    }
}
