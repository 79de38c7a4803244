using Pipelines.Video.Decoding;

namespace Pipelines.Video.Tests.Decoding;

[TestFixture]
public sealed class JpegSamplingTests
{
    [Test]
    public void ReadsTheFactorsAfterOtherSegments()
    {
        byte[] jpeg =
        {
            0xFF, 0xD8,                                   // SOI
            0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46,           // APP0, 2 payload bytes
            0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10, 0x03,   // SOF0 16x16, 3 components
            0x01, 0x21, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
        };

        Assert.That(JpegSampling.Read(jpeg), Is.EqualTo("2x1,1x1,1x1"));
    }

    [Test]
    public void NotAJpegOrNoFrameHeader_IsNull()
    {
        Assert.That(JpegSampling.Read(new byte[] { 1, 2, 3, 4 }), Is.Null);
        Assert.That(JpegSampling.Read(new byte[] { 0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02 }), Is.Null);
        Assert.That(JpegSampling.Read(new byte[] { 0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08 }), Is.Null);
    }
}
