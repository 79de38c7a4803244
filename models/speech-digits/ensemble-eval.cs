#:project ../../Pipelines.Speech/Pipelines.Speech.csproj
#:property PublishAot=false
// Test-time augmentation and ensembles of digit models on one held-out FSDD speaker, scored on
// exactly the test data of `train-digits.cs --eval` (the speaker's 500 clips, 200 joined
// utterances and the 60+ s recording, same seeds). Run from the repository root:
//   dotnet run -c Release models/speech-digits/ensemble-eval.cs -- SPEAKER NAME=DIR [NAME=DIR...]
//       [--pads-ms 0,80,160,240] [--speeds 0.9,1.1] [--speed-pads-ms 160]
// Every model is heard at every padding (whole 40 ms frames, so frames stay in register) and,
// for each speed, at each padding of --speed-pads-ms with its audio resampled to that speed
// (NativeCtcModel.WithSpeed: frames no longer in register, so these variants only take part in
// sequence-level rescoring). Each variant's output is
// computed once; then one line per combination of variants and rule:
//   frame rules (CtcEnsemble.Combine): MeanProbability, MeanLogProbability, Max, then greedy;
//   rescore (CtcRescoring): the candidates are the greedy transcripts of every variant and of the
//     frame-merged output, and the winner has the highest sum over variants of
//     log P_ctc(candidate | variant), summed over all alignments (no spike timing involved).
// Columns: single-digit accuracy, joined digit error rate, 60 s recording digit error rate.
using System.Globalization;
using Pipelines.Speech.Audio;
using Pipelines.Speech.Data;
using Pipelines.Speech.Decoding;
using Pipelines.Speech.Model;
using Pipelines.Speech.Training;
using Rnn.Core;

var positional = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
if (positional.Length < 2)
{
    Console.Error.WriteLine(
        "usage: ensemble-eval.cs SPEAKER NAME=DIR [NAME=DIR...] [--pads-ms 0,80,160] [--speeds 0.9,1.1]");
    return 2;
}

string Option(string name, string fallback)
{
    int i = Array.IndexOf(args, "--" + name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

double[] List(string text) =>
    text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture))
        .ToArray();

string speaker = positional[0];
var models = positional.Skip(1).Select(p => p.Split('=', 2)).Select(p => (Name: p[0], Dir: p[1])).ToArray();
double[] padsMs = List(Option("pads-ms", "0,80,160,240"));
double[] speeds = List(Option("speeds", ""));
double[] speedPadsMs = List(Option("speed-pads-ms", "160"));
void Log(string line) => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}");

// The test data of DigitsRecipe.Evaluate for this speaker, drawn in the same order.
var defaults = new DigitsRecipeOptions();
var fsdd = FsddDigits.Open(defaults.FsddFolder);
var (_, _, test) = DigitsRecipe.Split(fsdd, speaker);
var utterances = new List<SpeechUtterance>(test.Select(fsdd.Single));
int singles = utterances.Count;
var rng = new Rng(defaults.TestSeed);
for (int i = 0; i < defaults.TestSequences; i++) utterances.Add(fsdd.JoinClips(test, defaults.PlainSequences, rng));
utterances.Add(DigitsRecipe.LongRecording(fsdd, test, defaults.PlainSequences, rng));
var vocab = AcousticVocabulary.DigitWords();
var refs = utterances.Select(u => vocab.Encode(u.Transcript)).ToArray();

// Every variant's output on every utterance: [variant][utterance].
var variants = new List<(string Name, bool InRegister, AcousticOutput[] Outputs)>();
foreach (var (name, dir) in models)
{
    using var native = new NativeCtcModel(AcousticModelDirectory.Load(dir));
    foreach (double pad in padsMs)
    {
        var view = native.WithPadding(pad / 1000);
        variants.Add(($"{name}@{pad}", true, Run(u => view.Infer(u.Samples))));
        Log($"computed {variants[^1].Name}");
    }

    foreach (double pad in speedPadsMs)
    {
        foreach (double speed in speeds)
        {
            var view = native.WithPadding(pad / 1000).WithSpeed(speed);
            variants.Add(($"{name}@{pad}x{speed}", false, Run(u => view.Infer(u.Samples))));
            Log($"computed {variants[^1].Name}");
        }
    }
}

AcousticOutput[] Run(Func<SpeechUtterance, AcousticOutput> infer)
{
    var result = new AcousticOutput[utterances.Count];
    Parallel.For(0, utterances.Count, i => result[i] = infer(utterances[i]));
    return result;
}

// The combinations scored: each variant alone; every set of two or more paddings of one model;
// each model at 160 ms with its speed variants, and with them and all its paddings; across
// models, all at 160 ms, all in register, and everything.
var groups = new List<string[]>();
groups.AddRange(variants.Select(v => new[] { v.Name }));
string[] Pick(Func<string, bool> keep) => variants.Select(v => v.Name).Where(keep).ToArray();
bool Of(string variant, string model) => variant.StartsWith(model + "@", StringComparison.Ordinal);
foreach (var (name, _) in models)
{
    var padded = Pick(n => Of(n, name) && !n.Contains('x'));
    for (int mask = 1; mask < 1 << padded.Length; mask++)
    {
        var subset = padded.Where((_, i) => (mask >> i & 1) == 1).ToArray();
        if (subset.Length >= 2) groups.Add(subset);
    }

    if (speeds.Length > 0)
    {
        groups.Add(Pick(n => Of(n, name) && n.Contains("@160")));
        groups.Add(Pick(n => Of(n, name)));

        // Each set of paddings heard at every speed too.
        for (int mask = 1; mask < 1 << padded.Length; mask++)
        {
            var subset = padded.Where((_, i) => (mask >> i & 1) == 1).ToArray();
            var withSpeeds = subset.Concat(subset.SelectMany(p => speeds.Select(v => $"{p}x{v}")))
                .Where(n => variants.Any(v => v.Name == n)).ToArray();
            if (withSpeeds.Length > subset.Length) groups.Add(withSpeeds);
        }
    }
}

if (models.Length >= 2)
{
    groups.Add(Pick(n => n.EndsWith("@160", StringComparison.Ordinal)));
    groups.Add(Pick(n => !n.Contains('x')));
    if (speeds.Length > 0) groups.Add(Pick(n => n.Contains("@160")));
    groups.Add(Pick(_ => true));
}

groups = groups.DistinctBy(g => string.Join("+", g)).ToList();

// Where each variant fires: on single clips that every in-register variant gets right, the
// frame (on the audio's grid) of each variant's strongest non-blank frame, against the first's.
var aligned0 = variants.Where(v => v.InRegister).ToArray();
var agreed = Enumerable.Range(0, singles).Where(i => aligned0.All(v =>
    new GreedyCtcDecoder(vocab.BlankIndex).Decode(Matrix(v.Outputs[i])).SequenceEqual(refs[i]))).ToArray();
int Peak(AcousticOutput o) => Enumerable.Range(0, o.Frames)
    .MaxBy(t => 1 - Math.Exp(o.Frame(t)[vocab.BlankIndex])) - o.LeadInFrames;
foreach (var v in aligned0.Skip(1))
{
    var shifts = agreed.Select(i => Peak(v.Outputs[i]) - Peak(aligned0[0].Outputs[i])).ToArray();
    if (shifts.Length == 0) continue;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"SPIKES {v.Name} vs {aligned0[0].Name}: mean shift {shifts.Average():F2} frames, same frame " +
        $"{100.0 * shifts.Count(d => d == 0) / shifts.Length:F0}%, " +
        $"within 1 {100.0 * shifts.Count(d => Math.Abs(d) <= 1) / shifts.Length:F0}% " +
        $"of {shifts.Length} clips all variants get right"));
}

Console.WriteLine($"speaker {speaker}: single% | joined DER% | 60 s DER% | members");
foreach (var group in groups)
{
    var members = group.Select(n => variants.First(v => v.Name == n)).ToArray();
    bool aligned = members.All(m => m.InRegister);
    var rules = group.Length == 1 ? new[] { "greedy" }
        : aligned ? new[] { "MeanProbability", "MeanLogProbability", "Max", "rescore" } : new[] { "rescore" };
    foreach (string rule in rules)
    {
        var hyps = new int[utterances.Count][];
        Parallel.For(0, utterances.Count,
            i => hyps[i] = Decide(members.Select(m => m.Outputs[i]).ToArray(), rule, aligned));
        Report(rule, group, hyps);
    }
}

return 0;

int[] Decide(AcousticOutput[] outputs, string rule, bool aligned)
{
    var greedy = new GreedyCtcDecoder(vocab.BlankIndex);
    if (rule == "greedy") return greedy.Decode(Matrix(outputs[0]));
    if (rule != "rescore") return greedy.Decode(Matrix(CtcEnsemble.Combine(outputs, Enum.Parse<CtcCombination>(rule))));

    // Variants out of register (other speeds) have no merged frames; the first variant stands in
    // for them (its own transcript is a candidate anyway).
    var merged = aligned ? CtcEnsemble.Combine(outputs, CtcCombination.MeanProbability) : outputs[0];
    return CtcRescoring.Decode(greedy, Matrix(merged), outputs.Select(Matrix).ToArray(), vocab.BlankIndex);
}

LogProbMatrix Matrix(AcousticOutput o) => new(o.LogProbs, o.Frames, o.Vocab);

void Report(string rule, string[] group, int[][] hyps)
{
    int right = Enumerable.Range(0, singles).Count(i => hyps[i].SequenceEqual(refs[i]));
    var joined = Enumerable.Range(singles, defaults.TestSequences).ToArray();
    double der = TokenErrorRate.Compute(joined.Select(i => (IReadOnlyList<int>)hyps[i]).ToArray(),
        joined.Select(i => (IReadOnlyList<int>)refs[i]).ToArray());
    int last = utterances.Count - 1;
    double longDer = (double)TokenErrorRate.EditDistance(hyps[last], refs[last]) / refs[last].Length;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT {speaker} | {100.0 * right / singles:F1} | {100 * der:F2} | {100 * longDer:F2} | {rule} | " +
        $"{string.Join("+", group)}"));
}
