using Pipelines.Speech.Data;
using Pipelines.Speech.Features;
using Pipelines.Speech.Model;

namespace Pipelines.Speech.Training;

/// <summary>Settings of <see cref="DigitsRecipe"/>: data, model and training for the FSDD digits model.</summary>
public sealed record DigitsRecipeOptions
{
    /// <summary>The FSDD folder.</summary>
    public string FsddFolder { get; init; } = "/work/shared/data/fsdd";

    /// <summary>
    /// Speaker kept out of training and validation and evaluated at the end; null for the FSDD
    /// standard split instead (every speaker's recordings 0-4 are the test set, no validation).
    /// </summary>
    public string? HeldOutSpeaker { get; init; } = "nicolas";

    /// <summary>Joined (connected-digit) training utterances, on top of every single training clip.</summary>
    public int TrainSequences { get; init; } = 1200;

    /// <summary>Joined validation utterances (from the training speakers' recordings 0-4).</summary>
    public int ValidationSequences { get; init; } = 100;

    /// <summary>Joined test utterances built from the held-out speaker's clips.</summary>
    public int TestSequences { get; init; } = 200;

    /// <summary>Synthetic espeak-ng speakers added to training (0: none); see <see cref="EspeakDigits"/>.</summary>
    public int SyntheticSpeakers { get; init; }

    /// <summary>Takes of every digit per synthetic speaker.</summary>
    public int SyntheticTakes { get; init; } = 2;

    /// <summary>Folder the synthetic clips are written to (and reused from).</summary>
    public string SyntheticFolder { get; init; } = "out/espeak-digits";

    /// <summary>
    /// Accented espeak-ng speakers added to training (0: none): voices drawn like the synthetic
    /// ones, each digit read with a pronunciation of its own (<see cref="EspeakDigits.Pronunciations"/>),
    /// <see cref="SyntheticTakes"/> takes each, used exactly like the other synthetic speakers.
    /// </summary>
    public int AccentedSpeakers { get; init; }

    /// <summary>Folder the accented clips are written to (and reused from).</summary>
    public string AccentedFolder { get; init; } = "out/espeak-accented-digits";

    /// <summary>
    /// Synthetic flite/festival speakers added to training (0: none); see <see cref="NaturalTtsDigits"/>.
    /// They are used exactly like the espeak-ng ones: every clip augmented once, and one speaker
    /// pool with them for the synthetic share of joined utterances.
    /// </summary>
    public int NaturalSpeakers { get; init; }

    /// <summary>Takes of every digit per flite/festival speaker.</summary>
    public int NaturalTakes { get; init; } = 2;

    /// <summary>Folder the flite/festival clips are written to (and reused from).</summary>
    public string NaturalFolder { get; init; } = "out/tts-digits";

    /// <summary>
    /// Share of joined training utterances spoken by a real speaker (the rest by synthetic ones,
    /// espeak-ng and flite/festival together, each speaker equally likely).
    /// </summary>
    public double RealSequenceShare { get; init; } = 0.6;

    /// <summary>Augmented copies of each real training clip, on top of the clip as recorded.</summary>
    public int AugmentedCopies { get; init; } = 1;

    /// <summary>
    /// Microphone, room and channel augmentation of augmented singles and joined training
    /// utterances; null for none (gains, gaps, low noise and speed only).
    /// </summary>
    public WaveAugment? Wave { get; init; }

    /// <summary>How joined utterances are built.</summary>
    public DigitSequenceOptions Sequences { get; init; } = new() { MinSpeed = 0.85, MaxSpeed = 1.15 };

    /// <summary>Sequence options without speed perturbation or trimming, for validation and test utterances.</summary>
    public DigitSequenceOptions PlainSequences => Sequences with { MinSpeed = 1, MaxSpeed = 1, MaxTrimSeconds = 0 };

    /// <summary>The model: 8 kHz, 40 mels, conv front end, 2-layer BiGRU.</summary>
    public AcousticModelConfig Model { get; init; } = new()
    {
        Features = new AcousticFeatures
        {
            SampleRate = FsddDigits.SampleRate,
            MelBands = 40,
            Normalization = NormalizationMode.PerUtterance,
        },
        Vocabulary = AcousticVocabulary.DigitWords(),
        FrontEnd = FrontEndKind.Conv,
        ConvChannels = 16,
        Hidden = 96,
        Layers = 2,
        Bidirectional = true,
        Dropout = 0.1f,
    };

    /// <summary>Optimiser, schedule, augmentation and checkpoints.</summary>
    public SpeechTrainerOptions Training { get; init; } = new();

    /// <summary>
    /// When 2 or more, the model returned has the mean weights of the last this many epochs (each
    /// taken at its end), and the last epoch's own figures are logged beside them. Limit: a resumed
    /// run averages only the epochs that ended after the resume.
    /// </summary>
    public int AverageLastEpochs { get; init; }

    /// <summary>
    /// A model to start from (pretrained on other speech): its weights replace the random ones
    /// wherever name and shape match (<see cref="AcousticModel.CopyWeightsFrom"/>); null: random.
    /// </summary>
    public AcousticModel? Initial { get; init; }

    /// <summary>Seeds data generation and initialisation.</summary>
    public ulong Seed { get; init; } = 20261204;

    /// <summary>
    /// Seeds the held-out test data (joined utterances, long recording). Apart from
    /// <see cref="Seed"/>, so runs with other training seeds are scored on the same test data.
    /// </summary>
    public ulong TestSeed { get; init; } = 20261205;
}
