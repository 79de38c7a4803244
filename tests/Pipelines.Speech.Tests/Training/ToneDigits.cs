using Pipelines.Speech.Data;
using Pipelines.Speech.Features;
using Pipelines.Speech.Model;
using Pipelines.Speech.Training;
using Rnn.Core;

namespace Pipelines.Speech.Tests.Training;

/// <summary>
/// Synthetic "digits" for learning tests: token k is a 0.12 s tone of its own pitch, sequences
/// of 1-3 tones separated by 40-150 ms of low noise at random levels, so a model must learn
/// both what each token sounds like and where one ends, which is what CTC must do on speech.
/// </summary>
internal static class ToneDigits
{
    public const int Rate = 8000;
    private static readonly double[] Pitch = { 450, 1100, 2300 };

    public static AcousticModelConfig TinyConfig(FrontEndKind frontEnd = FrontEndKind.Stack) => new()
    {
        Features = new AcousticFeatures
        {
            SampleRate = Rate, MelBands = 16, Normalization = NormalizationMode.PerUtterance,
        },
        Vocabulary = new AcousticVocabulary(new[] { "_", "a", "b", "c" }),
        FrontEnd = frontEnd,
        StackFrames = 2,
        StackProjection = 24,
        ConvChannels = 4,
        Hidden = 20,
        Layers = 1,
        Bidirectional = true,
        Dropout = 0f,
    };

    public static SpeechUtterance Utterance(Rng rng)
    {
        int count = rng.NextInt(1, 4);
        var samples = new List<float>();
        var words = new List<string>();
        float noise = 0.002f;
        void Gap()
        {
            int n = (int)(Rate * rng.Uniform(0.04f, 0.15f));
            for (int i = 0; i < n; i++) samples.Add(noise * rng.Normal());
        }

        Gap();
        for (int d = 0; d < count; d++)
        {
            int k = rng.NextInt(Pitch.Length);
            float level = rng.Uniform(0.1f, 0.6f);
            int n = (int)(Rate * 0.12);
            for (int i = 0; i < n; i++)
                samples.Add(level * (float)Math.Sin(2 * Math.PI * Pitch[k] * i / Rate) + noise * rng.Normal());
            words.Add(((char)('a' + k)).ToString());
            Gap();
        }

        return new SpeechUtterance(samples.ToArray(), Rate, string.Join(' ', words));
    }

    public static IReadOnlyList<SpeechExample> Examples(AcousticModelConfig config, int count, ulong seed)
    {
        var rng = new Rng(seed);
        var utterances = Enumerable.Range(0, count).Select(_ => Utterance(rng)).ToList();
        return DigitsRecipe.Featurize(utterances, config.Features, config.Vocabulary);
    }
}
