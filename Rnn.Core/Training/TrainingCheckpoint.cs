using System.Globalization;
using Rnn.Core.Nn;
using Rnn.Core.Optim;

namespace Rnn.Core.Training;

/// <summary>
/// Everything a run needs to continue exactly where it stopped: the weights, the optimizer
/// state, the position in the data (epoch and next batch), the random generators, and the
/// running sums of the current epoch's loss.
/// </summary>
public sealed class TrainingCheckpoint
{
    private const string FormatName = "rnn-core-training-checkpoint";
    private const string WeightPrefix = "model.";
    private const string OptimizerPrefix = "optim.";
    private const string SettingPrefix = "setting.";
    private const string KindKey = "kind";

    /// <summary>Optimizer steps taken by the trainer.</summary>
    public long Step { get; init; }

    /// <summary>
    /// True when it was read from a file whose checksum matched (<see cref="CheckpointFile.Verified"/>);
    /// false for a file without one, and for a checkpoint captured in memory.
    /// </summary>
    public bool Verified { get; init; }

    /// <summary>0-based epoch the run is in.</summary>
    public int Epoch { get; init; }

    /// <summary>Index of the next batch of <see cref="Epoch"/>; equals the batch count at an epoch's end.</summary>
    public int NextBatch { get; init; }

    /// <summary>Sum of the losses of the batches of <see cref="Epoch"/> done so far.</summary>
    public double EpochLossSum { get; init; }

    /// <summary>Number of batches whose loss is in <see cref="EpochLossSum"/> (skipped steps are not).</summary>
    public int EpochLossCount { get; init; }

    /// <summary>Weights by parameter path.</summary>
    public required IReadOnlyDictionary<string, (int[] Shape, float[] Values)> Weights { get; init; }

    /// <summary>The optimizer's exported state.</summary>
    public required OptimizerState Optimizer { get; init; }

    /// <summary>Tracked generators by name: state and pending normal sample.</summary>
    public required IReadOnlyDictionary<string, (ulong State, double? PendingNormal)> Rngs { get; init; }

    /// <summary>
    /// Run settings recorded by name (see <see cref="TrainerOptions.RunSettings"/>); empty for
    /// checkpoints written without any.
    /// </summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// What kind of training wrote the checkpoint (see <see cref="TrainerOptions.RunKind"/>), say
    /// "speech"; null for checkpoints written without one.
    /// </summary>
    public string? Kind { get; init; }

    /// <summary>Captures a model, optimizer and generators, and the run settings and kind to record.</summary>
    public static TrainingCheckpoint Capture(
        Module model, IOptimizer optimizer, IReadOnlyDictionary<string, Rng> rngs,
        long step, int epoch, int nextBatch, double epochLossSum, int epochLossCount,
        IReadOnlyDictionary<string, string>? settings = null, string? kind = null) => new()
        {
            Kind = kind,
            Step = step,
            Epoch = epoch,
            NextBatch = nextBatch,
            EpochLossSum = epochLossSum,
            EpochLossCount = epochLossCount,
            Weights = model.NamedParameters().ToDictionary(
                p => p.Path, p => (p.Parameter.Value.ShapeArray, p.Parameter.Value.ToArray())),
            Optimizer = optimizer.ExportState(),
            Rngs = rngs.ToDictionary(r => r.Key, r => (r.Value.State, r.Value.PendingNormal)),
            Settings = settings?.ToDictionary() ?? new Dictionary<string, string>(),
        };

    /// <summary>
    /// Refuses a resume by another kind of training than the one that wrote the checkpoint (a speech
    /// run's folder given to a caption run): its settings and weights would differ in every way, and
    /// listing those differences would hide the one that matters. Accepts any kind when either side
    /// has none (a checkpoint written before kinds were recorded, or a trainer that records none).
    /// </summary>
    /// <param name="current">This run's kind, say "caption"; null checks nothing.</param>
    /// <param name="source">The checkpoint file; the message names it.</param>
    /// <exception cref="InvalidDataException">
    /// "PATH: cannot resume: this checkpoint is from a speech training, not a caption training; ...".
    /// </exception>
    public void CheckKind(string? current, string source)
    {
        if (current is null || Kind is null || Kind == current)
        {
            return;
        }

        throw new InvalidDataException($"{source}: cannot resume: this checkpoint is from {Article(Kind)} {Kind} " +
            $"training, not {Article(current)} {current} training; continue it with the training that wrote it, " +
            "or train this one in another folder");
    }

    /// <summary>
    /// Refuses a resume whose settings differ from the recorded ones, naming each setting and both
    /// values. A setting the checkpoint did not record (written before it was) is accepted.
    /// </summary>
    /// <param name="current">This run's settings by name.</param>
    /// <param name="source">The checkpoint file; the message names its folder.</param>
    /// <exception cref="InvalidDataException">At least one recorded setting differs.</exception>
    public void CheckSettings(IReadOnlyDictionary<string, string> current, string source)
    {
        var changed = current
            .Where(s => Settings.TryGetValue(s.Key, out var recorded) && recorded != s.Value)
            .Select(s => $"{s.Key} is {Settings[s.Key]} in the checkpoint, {s.Value} now")
            .ToList();
        if (changed.Count > 0)
        {
            // "folder: reason", the layout of every other file error, so that a caller can print the
            // message as it is. The settings are named as the callers name them (their command-line
            // options), and the advice is worded for such callers, where --force starts over: a plain
            // rerun without resuming is refused in a folder that holds a run.
            string folder = Path.GetDirectoryName(source) is { Length: > 0 } d ? d : ".";
            throw new InvalidDataException($"{folder}: cannot resume: {string.Join("; ", changed)}; " +
                "rerun with the same options, or with --force to start over");
        }
    }

    /// <summary>
    /// Loads the weights, optimizer state and generators into a run. Every parameter of the
    /// model must be in the checkpoint with its shape, and every tracked generator too;
    /// all mismatches are reported at once.
    /// </summary>
    public void Restore(Module model, IOptimizer optimizer, IReadOnlyDictionary<string, Rng> rngs)
    {
        var problems = new List<string>();
        var named = model.NamedParameters().ToList();
        foreach (var (path, p) in named)
        {
            if (!Weights.TryGetValue(path, out var w))
            {
                problems.Add($"missing weight '{path}'");
            }
            else if (!p.Value.Shape.SequenceEqual(w.Shape))
            {
                problems.Add(
                    $"'{path}' is {Rnn.Core.Shape.Format(w.Shape)} in the checkpoint, " +
                    $"{Rnn.Core.Shape.Format(p.Shape)} in the model");
            }
        }

        problems.AddRange(Weights.Keys.Except(named.Select(n => n.Path)).Select(k => $"unexpected weight '{k}'"));
        problems.AddRange(rngs.Keys.Except(Rngs.Keys).Select(k => $"missing random generator '{k}'"));
        if (problems.Count > 0)
        {
            // A model of another size differs in most weights: the first few say enough for one line.
            const int shown = 3;
            string list = string.Join("; ", problems.Take(shown))
                + (problems.Count > shown ? $"; and {problems.Count - shown} more" : "");
            throw new InvalidDataException($"checkpoint does not fit the model: {list}");
        }

        foreach (var (path, p) in named)
        {
            p.Load(Weights[path].Values);
        }

        optimizer.ImportState(Optimizer);
        foreach (var (name, rng) in rngs)
        {
            rng.State = Rngs[name].State;
            rng.PendingNormal = Rngs[name].PendingNormal;
        }
    }

    /// <summary>Converts to the on-disk container.</summary>
    public CheckpointFile ToFile()
    {
        var file = new CheckpointFile();
        var m = file.Metadata;
        m["format"] = FormatName;
        m["version"] = "1";
        m["step"] = Str(Step);
        m["epoch"] = Str(Epoch);
        m["next_batch"] = Str(NextBatch);
        m["epoch_loss_sum"] = EpochLossSum.ToString("R", CultureInfo.InvariantCulture);
        m["epoch_loss_count"] = Str(EpochLossCount);
        m["optimizer.kind"] = Optimizer.Kind;
        m["optimizer.step"] = Str(Optimizer.StepCount);
        m["optimizer.learning_rate"] = Optimizer.LearningRate.ToString("R", CultureInfo.InvariantCulture);
        foreach (var (name, (state, pending)) in Rngs)
        {
            m[$"rng.{name}.state"] = Str(state);
            m[$"rng.{name}.pending_normal"] = pending?.ToString("R", CultureInfo.InvariantCulture) ?? "";
        }

        foreach (var (name, value) in Settings)
        {
            m[SettingPrefix + name] = value;
        }

        if (Kind is not null)
        {
            m[KindKey] = Kind;
        }

        foreach (var (path, (shape, values)) in Weights)
        {
            file.Add(WeightPrefix + path, shape, values);
        }

        foreach (var (key, values) in Optimizer.Buffers)
        {
            file.Add(OptimizerPrefix + key, new[] { values.Length }, values);
        }

        return file;
    }

    /// <summary>Reads back a container written by <see cref="ToFile"/>.</summary>
    public static TrainingCheckpoint FromFile(CheckpointFile file, string source)
    {
        var m = file.Metadata;
        string Get(string key) => m.TryGetValue(key, out var v)
            ? v
            : throw new InvalidDataException(
                $"'{source}' lacks checkpoint field '{key}' (format {m.GetValueOrDefault("format", "unknown")})");
        if (Get("format") != FormatName || Get("version") != "1")
        {
            throw new InvalidDataException(
                $"'{source}' is format '{m["format"]}' version '{m.GetValueOrDefault("version")}'; " +
                $"expected {FormatName} 1");
        }

        var rngs = new Dictionary<string, (ulong, double?)>();
        var stateKeys = m.Keys.Where(k =>
            k.StartsWith("rng.", StringComparison.Ordinal) && k.EndsWith(".state", StringComparison.Ordinal));
        foreach (var key in stateKeys)
        {
            string name = key["rng.".Length..^".state".Length];
            string pending = Get($"rng.{name}.pending_normal");
            rngs[name] = (ulong.Parse(m[key], CultureInfo.InvariantCulture),
                pending.Length == 0 ? null : double.Parse(pending, CultureInfo.InvariantCulture));
        }

        return new TrainingCheckpoint
        {
            Step = long.Parse(Get("step"), CultureInfo.InvariantCulture),
            Epoch = int.Parse(Get("epoch"), CultureInfo.InvariantCulture),
            NextBatch = int.Parse(Get("next_batch"), CultureInfo.InvariantCulture),
            EpochLossSum = double.Parse(Get("epoch_loss_sum"), CultureInfo.InvariantCulture),
            EpochLossCount = int.Parse(Get("epoch_loss_count"), CultureInfo.InvariantCulture),
            Weights = file.Tensors.Where(t => t.Name.StartsWith(WeightPrefix, StringComparison.Ordinal))
                .ToDictionary(t => t.Name[WeightPrefix.Length..], t => (t.Shape, t.Values)),
            Optimizer = new OptimizerState(
                Get("optimizer.kind"),
                long.Parse(Get("optimizer.step"), CultureInfo.InvariantCulture),
                float.Parse(Get("optimizer.learning_rate"), CultureInfo.InvariantCulture),
                file.Tensors.Where(t => t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
                    .ToDictionary(t => t.Name[OptimizerPrefix.Length..], t => t.Values)),
            Rngs = rngs,
            Settings = m.Where(e => e.Key.StartsWith(SettingPrefix, StringComparison.Ordinal))
                .ToDictionary(e => e.Key[SettingPrefix.Length..], e => e.Value),
            Kind = m.GetValueOrDefault(KindKey),
            Verified = file.Verified,
        };
    }

    // "a speech", "an emotion".
    private static string Article(string word) =>
        word.Length > 0 && "aeiouAEIOU".Contains(word[0]) ? "an" : "a";

    private static string Str(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Str(ulong v) => v.ToString(CultureInfo.InvariantCulture);
}
