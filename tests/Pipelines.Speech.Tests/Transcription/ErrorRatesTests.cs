using Pipelines.Speech.Transcription;

namespace Pipelines.Speech.Tests.Transcription;

public sealed class ErrorRatesTests
{
    [Test]
    public void NormalisesCaseAndWhitespace() =>
        Assert.That(ErrorRates.Normalize("  Four\tONE  seven \n"), Is.EqualTo("four one seven"));

    [Test]
    public void WordRateCountsSubstitutionsInsertionsAndDeletionsOverReferenceWords()
    {
        // "one two three" -> "one too three four": 1 substitution + 1 insertion over 3 words;
        // "five six" -> "six": 1 deletion over 2 words. 3 edits / 5 words.
        string[] hyp = ["one too three four", "six"];
        string[] refs = ["One Two  three", "five six"];

        Assert.That(ErrorRates.Words(hyp, refs), Is.EqualTo(3.0 / 5).Within(1e-12));
    }

    [Test]
    public void CharacterRateCountsSpacesBetweenWords()
    {
        // "ab cd" -> "ab" deletes " cd": 3 edits over 5 characters.
        Assert.That(ErrorRates.Characters(["ab"], ["AB  cd"]), Is.EqualTo(3.0 / 5).Within(1e-12));
        Assert.That(ErrorRates.Characters(["seven"], ["seven"]), Is.Zero);
    }

    [Test]
    public void DigitWordsBecomeNumeralsAndOtherWordsStay()
    {
        Assert.That(DigitNumerals.Convert("Seven"), Is.EqualTo("7"));
        Assert.That(DigitNumerals.Convert("zero"), Is.EqualTo("0"));
        Assert.That(DigitNumerals.Convert("eleven"), Is.EqualTo("eleven"));
    }
}
