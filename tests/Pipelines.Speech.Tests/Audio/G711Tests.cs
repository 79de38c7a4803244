using NAudio.Codecs;
using Pipelines.Speech.Audio;

namespace Pipelines.Speech.Tests.Audio;

public sealed class G711Tests
{
    [Test]
    public void ALawMatchesTheReferenceValuesAndNAudiosTableForAllCodes()
    {
        // G.711 reference points: 0xD5 and 0x55 are the two codes nearest zero (+8 and -8),
        // 0xAA and 0x2A are the extremes.
        Assert.Multiple(() =>
        {
            Assert.That(G711.ALawToLinear(0xD5), Is.EqualTo(8));
            Assert.That(G711.ALawToLinear(0x55), Is.EqualTo(-8));
            Assert.That(G711.ALawToLinear(0xAA), Is.EqualTo(32256));
            Assert.That(G711.ALawToLinear(0x2A), Is.EqualTo(-32256));
        });
        for (int code = 0; code < 256; code++)
            Assert.That(G711.ALawToLinear((byte)code), Is.EqualTo(ALawDecoder.ALawToLinearSample((byte)code)),
                $"A-law code 0x{code:X2}");
    }

    [Test]
    public void MuLawMatchesTheReferenceValuesAndNAudiosTableForAllCodes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(G711.MuLawToLinear(0xFF), Is.EqualTo(0));
            Assert.That(G711.MuLawToLinear(0x7F), Is.EqualTo(0));
            Assert.That(G711.MuLawToLinear(0x80), Is.EqualTo(32124));
            Assert.That(G711.MuLawToLinear(0x00), Is.EqualTo(-32124));
        });
        // NAudio's table holds -1 for 0x7F, the "negative zero" code, which G.711 decodes to 0.
        for (int code = 0; code < 256; code++)
            if (code != 0x7F)
                Assert.That(G711.MuLawToLinear((byte)code), Is.EqualTo(MuLawDecoder.MuLawToLinearSample((byte)code)),
                $"mu-law code 0x{code:X2}");
    }
}
