using System.Globalization;
using Rnn.Bench;
using Rnn.Bench.Cases;
using Rnn.Bench.Peers;
using Rnn.Core;

// Rnn.Core's CPU speed next to TorchSharp and ONNX Runtime, all on the same threads, each timed
// in a child process of its own. Usage: Rnn.Bench [--quick] [--in-process] [--paired] [--case NAME[,NAME...]].
// See bench/README.md. (--child NAME --child-repeats N is how the parent starts a child.)
const int threads = 2;
bool quick = args.Contains("--quick");
bool inProcess = args.Contains("--in-process");
bool paired = args.Contains("--paired");
var only = CaseFilter(args);
string? child = Value(args, "--child");
int childRepeats = int.TryParse(Value(args, "--child-repeats"), NumberStyles.Integer, CultureInfo.InvariantCulture,
    out var cr) ? cr : 0;
var all = new[]
{
    "sgemm-1024", "sgemm-rnn", "lstm-train", "lstm-infer", "gru-train", "gru-infer", "lstm-latency", "convlstm",
};
var unknown = only?.Except(all).ToArray() ?? Array.Empty<string>();
var flags = new[] { "--quick", "--in-process", "--paired", "--case", "--child", "--child-repeats" };
if (unknown.Length > 0 || args.Except(flags).Any(a => a.StartsWith("--")) || (child is not null && only?.Length != 1))
{
    Console.Error.WriteLine("usage: Rnn.Bench [--quick] [--in-process] [--paired] [--case NAME,...]; " +
        $"cases: {string.Join(", ", all)}" +
        (unknown.Length > 0 ? $"; unknown case '{string.Join(", ", unknown)}'" : ""));
    return 2;
}

// --paired: libtorch's OpenMP threads must sleep between products (see PairedSgemm), which the
// OpenMP runtime reads from its environment when it loads: run again with it set.
if (paired && Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") != "PASSIVE")
{
    var again = SelfProcess.Start(args);
    again.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
    using var rerun = System.Diagnostics.Process.Start(again)!;
    rerun.WaitForExit();
    return rerun.ExitCode;
}

var backend = new CpuBackend(threads);
Backends.Default = backend;
var machine = Machine.Detect(backend.Simd);
string loadStart = Machine.LoadAverage();

// A child loads only its own contender's library.
string? torchFailure = child is null || child == TorchPeer.Name
    ? TorchPeer.Failure(threads)
    : "not loaded in this child";
if (child is not null)
{
    var childCtx = new BenchContext(backend, machine, threads, quick, torchFailure, child, childRepeats,
        Isolate: false);
    Cases(childCtx).Single(c => c.Name == only![0]).Run();
    Console.Error.WriteLine($"the case never timed contender '{child}'");
    return 3;
}

Console.WriteLine($"Rnn.Bench {(quick ? "--quick " : "")}on {machine.Model}, {machine.Cores} cores, " +
    string.Create(CultureInfo.InvariantCulture, $"{machine.Ghz:0.###} GHz, {CpuFeatures.Describe(backend.Simd)}"));
Console.WriteLine($"load average at start: {loadStart}");
Console.WriteLine($"ours: Rnn.Core {backend.Name}");
Console.WriteLine(torchFailure is null
    ? $"peer: {TorchPeer.Describe()}"
    : $"peer: TorchSharp unavailable: {torchFailure}");
Console.WriteLine($"peer: ONNX Runtime {OrtRecurrent.Version}, intra-op threads {threads}, inter-op 1");
Console.WriteLine($"FMA peak: {machine.PeakFormula(threads)}");
FmaProbe.Gflops(threads, backend.Simd, 100);   // warm-up: JIT and clock ramp
double measuredPeak = FmaProbe.Gflops(threads, backend.Simd);
double measuredCorePeak = FmaProbe.Gflops(1, backend.Simd);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"measured FMA peak: {measuredPeak:0.0} GFLOP/s on {threads} threads, {measuredCorePeak:0.0} on 1") +
    " (12 independent register-only FMA chains a thread, 0.3 s, best of 3: the clock the cores really ran)");
if (!paired)
{
    Console.WriteLine($"repeats: {(quick ? 3 : 12)} timed blocks of >= 60 ms per contender, in " +
        $"{(quick ? "phases A B C then C B A" : "phases A B C, C B A, A B C, C B A (3 blocks a phase)")}, each after " +
        $">= 1 s of warm-up, {(inProcess ? "all in this process" : "each phase in a child process")}; " +
        "figures are medians; sgemm phases also probe the FMA peak (100 ms) beside every block");
}

var ctx = new BenchContext(backend, machine, threads, quick, torchFailure, Isolate: !inProcess,
    MeasuredPeak: measuredPeak, MeasuredCorePeak: measuredCorePeak);
if (paired)
{
    if (torchFailure is not null)
    {
        Console.WriteLine($"--paired needs TorchSharp: {torchFailure}");
        return 1;
    }

    Console.WriteLine("paired: ours and libtorch in this process (OMP_WAIT_POLICY=PASSIVE), alternating blocks " +
        "of >= 100 ms; ratio = median over pairs of torch_ms / ours_ms, with quartiles");
    foreach (var (name, m, n, k) in new[] { ("sgemm-1024", 1024, 1024, 1024), ("sgemm-rnn", 64, 2048, 768) })
    {
        if (only is null || only.Contains(name))
        {
            Console.WriteLine(PairedSgemm.Run(ctx, name, m, n, k));
        }
    }

    return 0;
}

var results = new List<CaseResult>();
foreach (var (name, run) in Cases(ctx).Where(c => only is null || only.Contains(c.Name)))
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

static (string Name, Func<CaseResult> Run)[] Cases(BenchContext ctx)
{
    // The batch-64 recurrent cases: input 256, hidden 512, 100 steps.
    (string, Func<CaseResult>) Big(string name, CellKind kind, bool train, bool withOrt) =>
        (name, () => RecurrentCase.Run(ctx, name, new RecurrentShape(kind, 64, 100, 256, 512), train, withOrt));

    return new (string Name, Func<CaseResult> Run)[]
    {
        ("sgemm-1024", () => SgemmCase.Run(ctx, "sgemm-1024", 1024, 1024, 1024)),
        ("sgemm-rnn", () => SgemmCase.Run(ctx, "sgemm-rnn", 64, 2048, 768)),
        Big("lstm-train", CellKind.Lstm, train: true, withOrt: false),
        Big("lstm-infer", CellKind.Lstm, train: false, withOrt: true),
        Big("gru-train", CellKind.Gru, train: true, withOrt: false),
        Big("gru-infer", CellKind.Gru, train: false, withOrt: false),
        ("lstm-latency", () => RecurrentCase.Run(ctx, "lstm-latency",
            new RecurrentShape(CellKind.Lstm, 1, 200, 256, 256), train: false, withOrt: false)),
        ("convlstm", () => ConvLstmCase.Run(ctx)),
    };
}

static string? Value(string[] args, string flag)
{
    int i = Array.IndexOf(args, flag);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string[]? CaseFilter(string[] args) =>
    Value(args, "--case")?.Split(',', StringSplitOptions.RemoveEmptyEntries);
