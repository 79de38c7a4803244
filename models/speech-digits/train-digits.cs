#:project ../../Pipelines.Speech/Pipelines.Speech.csproj
#:property PublishAot=false
// Trains (or evaluates) the FSDD connected-digits model. Run from the repository root:
//   dotnet run models/speech-digits/train-digits.cs -- [--out DIR] [--epochs N] [--sequences N]
//       [--hidden N] [--held-out SPEAKER|none] [--speed-percent N] [--dropout-percent N]
//       [--freq-mask N] [--time-mask N] [--warp-percent N] [--synth N] [--synth-takes N]
//       [--accented N] [--tts N] [--tts-takes N] [--real-share-percent N] [--copies N] [--wave] [--layers N]
//       [--lr-milli N] [--trim-ms N] [--mels N] [--mfcc N] [--vtlp-percent N] [--average N] [--gate-percent N]
//       [--pad-ms N] [--norm utterance|global] [--seed N] [--ensemble DIR2[,DIR3]] [--tta-ms MS[,MS]] [--combine RULE]
//       [--front-end conv|stack|none] [--conv-channels N] [--stack-projection N]
//       [--init DIR] [--checkpoints DIR] [--resume] [--eval DIR] [--write-long DIR]
// --init DIR starts from the weights of the model directory DIR (for example one trained by
// `multimodal train speech` on other English speech with the same features and layers): every
// parameter whose name and shape match is copied, the rest (the output layer) start random.
// --synth N adds N espeak-ng speakers (clips in out/espeak-digits); --accented N adds N espeak-ng
// speakers who read each digit with a pronunciation of their own, as speakers of other first
// languages do (EspeakDigits.Pronunciations; clips in out/espeak-accented-digits); --tts N adds N speakers made
// from the installed flite/festival voices with sox pitch and tempo shifts (clips in
// out/tts-digits; needs sox and flite and/or festival + festvox voices). Both are reused on reruns.
// --mels N sets the mel band count (default 40); --mfcc N makes the model read N MFCCs of those
// bands instead (both are saved in config.json, so `multimodal transcribe` computes the same).
// The frequency warp (--warp-percent) stretches the feature axis: meaningful for mel bands only.
// --vtlp-percent N warps each training utterance's mel bands by a factor in [1 - N%, 1 + N%]
// before the DCT (vocal tract length perturbation; drawn anew each batch). --average N saves the
// mean weights of the last N epochs (and logs the last epoch's own figures too). --gate-percent N
// (with --wave) puts a noise gate (quiet 10 ms blocks to exact zeros) on N% of augmented audio.
// --pad-ms N pads every utterance with N ms of quiet at both ends before its features, in training
// and (saved as preprocessing.pad_seconds) whenever the model is used; with --eval it pads at test
// time only (the weights as trained).
// --norm global normalises features by fixed statistics of the training utterances (saved in
// config.json) instead of each utterance's own mean and std (the default, --norm utterance).
// --seed N seeds the training data and initialisation (default 20261204); the test data keep their
// own seed, so runs of several seeds are scored on the same clips and recordings.
// Eval of several models or test-time variants merged frame by frame (each utterance through
// ICtcAcousticModel.Infer, as `transcribe` runs it): --ensemble DIR2[,DIR3] adds model directories
// of the same architecture; --tta-ms 0,80,160 hears each model at each padding (whole 40 ms frames);
// --combine MeanProbability|MeanLogProbability|Max|Rescore (default MeanProbability). Any of the
// three selects this path; --combine alone scores one model utterance by utterance. A directory whose
// config.json has a "test_time" section (TestTimeConfig) is scored as it declares, unless one of
// the three is given.
// Prints one line per report; a model directory (config.json + F16 weights) and
// heldout.json are written to --out.
using System.Globalization;
using System.Text.Json;
using Pipelines.Speech.Data;
using Pipelines.Speech.Features;
using Pipelines.Speech.Model;
using Pipelines.Speech.Training;
using Rnn.Core;
using Rnn.Core.Serialization;

var arguments = ParseArguments(args);
string Get(string name, string fallback) => arguments.TryGetValue(name, out var v) ? v : fallback;
int GetInt(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)),
    CultureInfo.InvariantCulture);
void Log(string line) => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}");

var defaults = new DigitsRecipeOptions();
// --held-out none: the FSDD standard split (recordings 0-4 of every speaker are the test set).
string? heldOut = Get("held-out", defaults.HeldOutSpeaker!) is var h && h == "none" ? null : h;
// --write-long DIR: a 60+ s recording of the test clips as DIR/long-<speaker>.wav plus a manifest
// DIR/long-<speaker>.tsv, so `multimodal transcribe` / `eval speech` can score it end to end.
if (arguments.TryGetValue("write-long", out var longDir))
{
    var fsdd = FsddDigits.Open(defaults.FsddFolder);
    var (_, _, test) = DigitsRecipe.Split(fsdd, heldOut);
    var u = DigitsRecipe.LongRecording(fsdd, test, defaults.PlainSequences, new Rng(defaults.Seed + 3));
    string name = $"long-{heldOut ?? "standard"}";
    Directory.CreateDirectory(longDir);
    using (var writer = new NAudio.Wave.WaveFileWriter(Path.Combine(longDir, name + ".wav"),
        new NAudio.Wave.WaveFormat(FsddDigits.SampleRate, 16, 1)))
    {
        writer.WriteSamples(u.Samples, 0, u.Samples.Length);
    }

    File.WriteAllText(Path.Combine(longDir, name + ".tsv"), $"{name}.wav\t{u.Transcript}\n");
    Log($"wrote {longDir}/{name}.wav: {u.Seconds:F1} s, {u.Transcript.Split(' ').Length} digits");
    return 0;
}

if (arguments.TryGetValue("eval", out var evalDir))
{
    var fsdd = FsddDigits.Open(defaults.FsddFolder);
    var (_, _, test) = DigitsRecipe.Split(fsdd, heldOut);
    int testSequences = GetInt("test-sequences", defaults.TestSequences);
    DigitsEvaluation result;
    if (TestTimeConfig.FromModelConfig(ModelIo.ReadConfig(evalDir)) is not null && !arguments.ContainsKey("ensemble")
        && !arguments.ContainsKey("tta-ms") && !arguments.ContainsKey("combine"))
    {
        // The directory's own "test_time" section: the model as `transcribe` hears it.
        using var declared = (IDisposable)AcousticModelDirectory.LoadCtc(evalDir);
        result = DigitsRecipe.Evaluate((ICtcAcousticModel)declared, fsdd, test, testSequences,
            defaults.PlainSequences, defaults.TestSeed);
    }
    else if (arguments.ContainsKey("ensemble") || arguments.ContainsKey("tta-ms") || arguments.ContainsKey("combine"))
    {
        // Each model directory (--eval DIR plus --ensemble DIR2,DIR3) heard at each test-time
        // padding (--tta-ms, else --pad-ms, else its own), merged frame by frame (--combine).
        string[] dirs = [evalDir, .. Get("ensemble", "").Split(',', StringSplitOptions.RemoveEmptyEntries)];
        double[]? pads = arguments.ContainsKey("tta-ms")
            ? Get("tta-ms", "").Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture) / 1000.0).ToArray()
            : arguments.ContainsKey("pad-ms") ? [GetInt("pad-ms", 0) / 1000.0] : null;
        string combine = Get("combine", "MeanProbability").Replace("-", "").Replace("_", "");
        var combination = Enum.Parse<CtcCombination>(combine, true);
        var natives = dirs.Select(d => new NativeCtcModel(AcousticModelDirectory.Load(d))).ToArray();
        var members = natives.SelectMany(n => pads is null ? new[] { n } : pads.Select(n.WithPadding)).ToArray();
        Log($"{members.Length} members ({string.Join(", ", members.Select(m => $"{m.PadSeconds * 1000:F0} ms"))} " +
            $"of {string.Join(", ", dirs)}), {combination}");
        using var ensemble = new CtcEnsemble(members, combination);
        result = DigitsRecipe.Evaluate(ensemble, fsdd, test, testSequences, defaults.PlainSequences, defaults.TestSeed);
        foreach (var n in natives) n.Dispose();
    }
    else
    {
        var model = AcousticModelDirectory.Load(evalDir);
        if (arguments.ContainsKey("pad-ms"))
        {
            // Test-time padding of a model trained without it (or with another length): same weights.
            var config = model.Config with
            {
                Features = model.Config.Features with { PadSeconds = GetInt("pad-ms", 0) / 1000.0 },
            };
            var padded = new AcousticModel(config, new Rng(0));
            foreach (var ((_, target), (_, source)) in padded.NamedParameters().Zip(model.NamedParameters()))
            {
                target.Load(source.Value.ToArray());
            }

            model = padded;
        }

        result = DigitsRecipe.Evaluate(model, fsdd, test, testSequences, defaults.PlainSequences, defaults.TestSeed);
    }

    Log(JsonSerializer.Serialize(result));
    return 0;
}

string outDir = Get("out", "out/speech-digits");
var options = defaults with
{
    HeldOutSpeaker = heldOut,
    Seed = ulong.Parse(Get("seed", defaults.Seed.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture),
    TrainSequences = GetInt("sequences", defaults.TrainSequences),
    SyntheticSpeakers = GetInt("synth", 0),
    AccentedSpeakers = GetInt("accented", 0),
    SyntheticTakes = GetInt("synth-takes", defaults.SyntheticTakes),
    NaturalSpeakers = GetInt("tts", 0),
    NaturalTakes = GetInt("tts-takes", defaults.NaturalTakes),
    RealSequenceShare = GetInt("real-share-percent", 60) / 100.0,
    AugmentedCopies = GetInt("copies", 1),
    AverageLastEpochs = GetInt("average", 0),
    Initial = arguments.TryGetValue("init", out var initDir) ? AcousticModelDirectory.Load(initDir) : null,
    Wave = arguments.ContainsKey("wave")
        ? new WaveAugment { GateProbability = GetInt("gate-percent", 0) / 100.0 }
        : null,
    Model = defaults.Model with
    {
        Features = defaults.Model.Features with
        {
            MelBands = GetInt("mels", defaults.Model.Features.MelBands),
            Mfcc = GetInt("mfcc", 0),
            PadSeconds = GetInt("pad-ms", 0) / 1000.0,
            Normalization = Get("norm", "utterance") switch
            {
                "utterance" => NormalizationMode.PerUtterance,
                "global" => NormalizationMode.Global,
                var other => throw new ArgumentException($"--norm must be utterance or global; got '{other}'"),
            },
        },
        Hidden = GetInt("hidden", defaults.Model.Hidden),
        FrontEnd = Enum.Parse<FrontEndKind>(Get("front-end", "conv"), ignoreCase: true),
        ConvChannels = GetInt("conv-channels", defaults.Model.ConvChannels),
        StackProjection = GetInt("stack-projection", defaults.Model.StackProjection),
        Layers = GetInt("layers", defaults.Model.Layers),
        Dropout = GetInt("dropout-percent", 10) / 100f,
    },
    Sequences = defaults.Sequences with
    {
        MinSpeed = 1 - GetInt("speed-percent", 15) / 100.0,
        MaxSpeed = 1 + GetInt("speed-percent", 15) / 100.0,
        MaxTrimSeconds = GetInt("trim-ms", 0) / 1000.0,
    },
    Training = defaults.Training with
    {
        Epochs = GetInt("epochs", defaults.Training.Epochs),
        LearningRate = GetInt("lr-milli", 2) / 1000f,
        CheckpointDirectory = Get("checkpoints", Path.Combine(outDir, "checkpoints")),
        Resume = arguments.ContainsKey("resume"),
        Vtlp = GetInt("vtlp-percent", 0) is > 0 and var vtlp
            ? new VocalTractPerturbation { MaxWarp = vtlp / 100.0 }
            : null,
        Augment = defaults.Training.Augment! with
        {
            MaxFrequencyWidth = GetInt("freq-mask", defaults.Training.Augment!.MaxFrequencyWidth),
            MaxTimeWidth = GetInt("time-mask", defaults.Training.Augment!.MaxTimeWidth),
            MaxWarp = GetInt("warp-percent", 0) / 100.0,
        },
    },
};
Log($"training digits model -> {outDir}: {string.Join(' ', args)}");
var (trained, heldOutFigures) = DigitsRecipe.Run(options, Log);
AcousticModelDirectory.Save(outDir, trained, SafeTensorDType.F16);
File.WriteAllText(Path.Combine(outDir, "heldout.json"), JsonSerializer.Serialize(heldOutFigures) + "\n");
Log($"saved {outDir}");
return 0;

static Dictionary<string, string> ParseArguments(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.Ordinal);
    for (int i = 0; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"unexpected argument '{args[i]}'; options start with --");
        }

        string name = args[i][2..];
        bool flag = i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal);
        result[name] = flag ? "true" : args[++i];
    }

    return result;
}
