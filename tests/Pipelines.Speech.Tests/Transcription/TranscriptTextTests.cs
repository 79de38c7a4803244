using Pipelines.Speech.Model;
using Pipelines.Speech.Transcription;

namespace Pipelines.Speech.Tests.Transcription;

public sealed class TranscriptTextTests
{
    // U+1F415 is two UTF-16 units; "e" + U+0301 is two code points. Each is one character to a reader.
    private const string Dog = "\U0001F415";

    [Test]
    public void Characters_keeps_an_emoji_and_a_combining_accent_whole()
    {
        Assert.That(TranscriptText.Characters($"{Dog} e\u0301x"), Is.EqualTo(new[] { Dog, " ", "e\u0301", "x" }));
    }

    [Test]
    public void Character_rate_counts_an_emoji_as_one_character()
    {
        // Split into UTF-16 units the emoji was two characters, so one wrong emoji cost 2 of 2.
        Assert.That(ErrorRates.Characters(["\U0001F408"], [Dog]), Is.EqualTo(1.0).Within(1e-12));
        Assert.That(ErrorRates.Characters(["e\u0301x"], ["ex"]), Is.EqualTo(0.5).Within(1e-12));
    }

    [Test]
    public void A_character_vocabulary_encodes_and_decodes_an_emoji_as_one_token()
    {
        var vocab = new AcousticVocabulary(["<blank>", "|", "a", "\u00e9", Dog], wordSeparator: "|");

        int[] ids = vocab.Encode($"{Dog}a \u00e9");

        Assert.That(ids, Is.EqualTo(new[] { 4, 2, 1, 3 }));
        Assert.That(vocab.Decode(ids), Is.EqualTo($"{Dog}a \u00e9"));
    }

    // Vocabularies made before: a token per code point, the combining accent its own token.
    [Test]
    public void A_vocabulary_of_code_points_still_encodes_a_combined_character_rune_by_rune()
    {
        var vocab = new AcousticVocabulary(["<blank>", "|", "q", "\u0301"], wordSeparator: "|");

        Assert.That(vocab.Encode("q\u0301"), Is.EqualTo(new[] { 2, 3 }));
    }
}
