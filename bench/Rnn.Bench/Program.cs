using System.Globalization;
using Rnn.Bench;
using Rnn.Bench.Cases;
using Rnn.Bench.Peers;
using Rnn.Core;

// Rnn.Core's CPU speed next to TorchSharp and ONNX Runtime, all on the same threads in one
// process. Usage: Rnn.Bench [--quick] [--case NAME[,NAME...]]. See bench/README.md.
const int threads = 2;
bool quick = args.Contains("--quick");
var only = CaseFilter(args);
var all = new[]
{
    "sgemm-1024", "sgemm-rnn", "lstm-train", "lstm-infer", "gru-train", "gru-infer", "lstm-latency", "convlstm",
};
var unknown = only?.Except(all).ToArray() ?? Array.Empty<string>();
if (unknown.Length > 0 || args.Except(new[] { "--quick", "--case" }).Any(a => a.StartsWith("--")))
{
    Console.Error.WriteLine($"usage: Rnn.Bench [--quick] [--case NAME,...]; cases: {string.Join(", ", all)}" +
        (unknown.Length > 0 ? $"; unknown case '{string.Join(", ", unknown)}'" : ""));
    return 2;
}

var backend = new CpuBackend(threads);
Backends.Default = backend;
var machine = Machine.Detect(backend.Simd);
string loadStart = Machine.LoadAverage();
string? torchFailure = TorchPeer.Failure(threads);
Console.WriteLine($"Rnn.Bench {(quick ? "--quick " : "")}on {machine.Model}, {machine.Cores} cores, " +
    string.Create(CultureInfo.InvariantCulture, $"{machine.Ghz:0.###} GHz, {CpuFeatures.Describe(backend.Simd)}"));
Console.WriteLine($"load average at start: {loadStart}");
Console.WriteLine($"ours: Rnn.Core {backend.Name}");
Console.WriteLine(torchFailure is null
    ? $"peer: {TorchPeer.Describe()}"
    : $"peer: TorchSharp unavailable: {torchFailure}");
Console.WriteLine($"peer: ONNX Runtime {OrtRecurrent.Version}, intra-op threads {threads}, inter-op 1");
Console.WriteLine($"FMA peak: {machine.PeakFormula(threads)}");
Console.WriteLine($"repeats: {(quick ? 3 : 7)} timed runs per contender after {(quick ? 1 : 2)} warm-up(s), " +
    "interleaved; figures are medians");

var ctx = new BenchContext(backend, machine, threads, quick, torchFailure);
var big = (Batch: 64, Time: 100, Input: 256, Hidden: 512);
var cases = new (string Name, Func<CaseResult> Run)[]
{
    ("sgemm-1024", () => SgemmCase.Run(ctx, "sgemm-1024", 1024, 1024, 1024)),
    ("sgemm-rnn", () => SgemmCase.Run(ctx, "sgemm-rnn", 64, 2048, 768)),
    ("lstm-train", () => RecurrentCase.Run(ctx, "lstm-train", Shape(CellKind.Lstm, big), train: true, withOrt: false)),
    ("lstm-infer", () => RecurrentCase.Run(ctx, "lstm-infer", Shape(CellKind.Lstm, big), train: false, withOrt: true)),
    ("gru-train", () => RecurrentCase.Run(ctx, "gru-train", Shape(CellKind.Gru, big), train: true, withOrt: false)),
    ("gru-infer", () => RecurrentCase.Run(ctx, "gru-infer", Shape(CellKind.Gru, big), train: false, withOrt: false)),
    ("lstm-latency", () => RecurrentCase.Run(ctx, "lstm-latency",
        new RecurrentShape(CellKind.Lstm, 1, 200, 256, 256), train: false, withOrt: false)),
    ("convlstm", () => ConvLstmCase.Run(ctx)),
};

var results = new List<CaseResult>();
foreach (var (name, run) in cases.Where(c => only is null || only.Contains(c.Name)))
{
    var result = run();
    results.Add(result);
    foreach (var line in result.BenchLines())
    {
        Console.WriteLine(line);
    }
}

Console.WriteLine();
Console.WriteLine(CaseResult.TableHeader);
foreach (var row in results.SelectMany(r => r.TableRows()))
{
    Console.WriteLine(row);
}

Console.WriteLine();
Console.WriteLine($"load average at end: {Machine.LoadAverage()}");
return 0;

static RecurrentShape Shape(CellKind kind, (int Batch, int Time, int Input, int Hidden) s) =>
    new(kind, s.Batch, s.Time, s.Input, s.Hidden);

static string[]? CaseFilter(string[] args)
{
    int i = Array.IndexOf(args, "--case");
    return i >= 0 && i + 1 < args.Length ? args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries) : null;
}
