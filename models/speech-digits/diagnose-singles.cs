#:project ../../Pipelines.Speech/Pipelines.Speech.csproj
#:property PublishAot=false
// Single-digit accuracy of a model on one FSDD speaker's 500 clips, as recorded and with quiet
// added around each clip at test time, and the confusion matrix as recorded. Run from the
// repository root:
//   dotnet run -c Release models/speech-digits/diagnose-singles.cs -- MODEL_DIR SPEAKER
// The model's own preprocessing (including any pad_seconds) applies on top of the variants.
using Pipelines.Speech.Data;
using Pipelines.Speech.Model;
using Pipelines.Speech.Training;
using Rnn.Core;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: diagnose-singles.cs MODEL_DIR SPEAKER (george, jackson, lucas, nicolas, yweweler)");
    return 2;
}

var model = AcousticModelDirectory.Load(args[0]);
var fsdd = FsddDigits.Open(new DigitsRecipeOptions().FsddFolder);
var clips = fsdd.Clips.Where(c => c.Speaker == args[1]).ToList();
if (clips.Count == 0)
{
    Console.Error.WriteLine($"no clips of speaker '{args[1]}'; speakers: {string.Join(", ", fsdd.Speakers)}");
    return 2;
}

var rng = new Rng(5);
float[] Quiet(int n, double rms)
{
    var x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float)(rms * rng.Normal());
    return x;
}

var variants = new (string Name, Func<float[], float[]> Change)[]
{
    ("as recorded", x => x),
    ("160 ms quiet (3e-4 RMS) before and after", x => [.. Quiet(1280, 3e-4), .. x, .. Quiet(1280, 3e-4)]),
    ("160 ms quiet before only", x => [.. Quiet(1280, 3e-4), .. x]),
    ("160 ms quiet after only", x => [.. x, .. Quiet(1280, 3e-4)]),
    ("160 ms exact zeros before and after", x => [.. new float[1280], .. x, .. new float[1280]]),
};
foreach (var (name, change) in variants)
{
    var utterances = clips.Select(c => fsdd.Single(c) with { Samples = change(fsdd.Samples(c)) }).ToList();
    var examples = DigitsRecipe.Featurize(utterances, model.Config.Features, model.Config.Vocabulary);
    var heard = SpeechTrainer.Decode(model, examples);
    var confusion = new int[10, 11];   // [spoken digit, heard digit or 10 = none or several]
    int right = 0;
    for (int i = 0; i < examples.Count; i++)
    {
        right += heard[i].SequenceEqual(examples[i].Tokens) ? 1 : 0;
        confusion[clips[i].Digit, heard[i].Count == 1 ? heard[i][0] - 1 : 10]++;
    }

    Console.WriteLine($"{name}: {100.0 * right / examples.Count:F1}% of {examples.Count} single digits");
    if (name != "as recorded") continue;
    Console.WriteLine("  spoken \\ heard:  0   1   2   3   4   5   6   7   8   9  other");
    for (int d = 0; d < 10; d++)
    {
        var row = Enumerable.Range(0, 11).Select(k => confusion[d, k].ToString().PadLeft(3));
        Console.WriteLine($"  {d}:             {string.Join(" ", row)}");
    }
}

return 0;
