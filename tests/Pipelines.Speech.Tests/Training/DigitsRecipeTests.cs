using Pipelines.Speech.Data;
using Pipelines.Speech.Training;

namespace Pipelines.Speech.Tests.Training;

public sealed class DigitsRecipeTests
{
    [Test]
    public void FirstSpeakersKeepsOnlyTheSpeakersAndTakesAskedFor()
    {
        // A shared folder left by a run of 5 speakers x 3 takes; this run asks for 2 x 2.
        var clips = new List<FsddClip>();
        for (int s = 0; s < 5; s++)
            for (int take = 0; take < 3; take++)
                for (int digit = 0; digit < 10; digit++)
                    clips.Add(new FsddClip(digit, EspeakDigits.SpeakerName(s), take, $"{digit}_{s}_{take}.wav"));

        var kept = DigitsRecipe.FirstSpeakers(clips, 2, 2, EspeakDigits.SpeakerName);

        Assert.That(kept, Has.Count.EqualTo(2 * 2 * 10));
        Assert.That(kept.Select(c => c.Speaker).Distinct(),
            Is.EquivalentTo(new[] { EspeakDigits.SpeakerName(0), EspeakDigits.SpeakerName(1) }));
        Assert.That(kept.All(c => c.Index < 2));
        Assert.That(kept, Is.EqualTo(clips.Where(kept.Contains)), "the folder's order is kept");
        Assert.That(DigitsRecipe.FirstSpeakers(clips, 5, 3, EspeakDigits.SpeakerName), Is.EqualTo(clips));
    }
}
