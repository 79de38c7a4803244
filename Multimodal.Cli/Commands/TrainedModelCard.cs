using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Multimodal.Cli.Hosting;
using Rnn.Core.Serialization;
using Rnn.Core.Training;

namespace Multimodal.Cli.Commands;

/// <summary>
/// The MODEL_CARD.md a <c>train</c> verb writes beside config.json and weights.safetensors when it
/// saves its model: <c>multimodal models</c> needs the card to list a folder, and shows its
/// "Key metric:" line (see <see cref="Models.ModelCatalog.KeyMetric"/>). The card names the folder
/// and the verb, gives the run's validation figures as the run printed them, and says how the model
/// was trained. A generated card opens with <see cref="Marker"/>; a card without it was written by
/// a person (the bundled models' cards, or a generated one whose first line was deleted) and is
/// never replaced, not even by <c>--force</c>.
/// </summary>
/// <param name="Verb">The <c>train</c> subcommand, e.g. "speech".</param>
/// <param name="OutDir">The model folder (<c>--out</c>), as given.</param>
/// <example>
/// <code>
/// bool written = new TrainedModelCard("speech", outDir)
/// {
///     Data = "manifest `train.tsv` (validation rows held out of it)",
///     Items = "4 training, 2 validation utterances",
///     Epochs = TrainedModelCard.Progress(result, epochs),
///     KeyMetric = "valid WER 50.00% CER 25.00%",
/// }.Write(context, parse);
/// </code>
/// </example>
public sealed partial record TrainedModelCard(string Verb, string OutDir)
{
    /// <summary>The card's file name in a model folder.</summary>
    public const string FileName = "MODEL_CARD.md";

    /// <summary>How a generated card's first line starts (an HTML comment: Markdown viewers hide it).</summary>
    public const string Marker = "<!-- written by multimodal train";

    /// <summary>What the run read, with the paths as given, e.g. "manifest `train.tsv`".</summary>
    public required string Data { get; init; }

    /// <summary>The training and validation counts, e.g. "4 training, 2 validation utterances".</summary>
    public required string Items { get; init; }

    /// <summary>
    /// Epochs and steps done (see <see cref="Progress(TrainingResult, int)"/>), with any note on which
    /// epoch's weights were kept.
    /// </summary>
    public required string Epochs { get; init; }

    /// <summary>The final (or best) validation figures exactly as the run printed them; null for none.</summary>
    public string? KeyMetric { get; init; }

    /// <summary>
    /// False when the weights saved are ones an earlier run trained and the folder held them already
    /// (a resume that found every epoch done, or no epoch better than the saved one): a card already
    /// there then stays as it is. See <see cref="SaveChangesWeights"/> for telling the two apart.
    /// </summary>
    public bool NewWeights { get; init; } = true;

    /// <summary>Path of the card.</summary>
    public string CardPath => Path.Combine(OutDir, FileName);

    /// <summary>
    /// The run's checkpoint folder, where <see cref="RecordCommand"/> keeps the run's commands
    /// (<c>OUT/checkpoints</c> unless the verb puts its checkpoints elsewhere).
    /// </summary>
    public string CheckpointDirectory { get; init; } = Path.Combine(OutDir, "checkpoints");

    /// <summary>
    /// The file in a checkpoint folder that lists the commands of the run there, one a line: the one
    /// that started it, then each resume (see <see cref="RecordCommand"/>).
    /// </summary>
    public const string CommandsFileName = "commands.txt";

    /// <summary>
    /// Writes the card atomically, after the model's weights (their header gives the parameter count),
    /// unless the folder holds a card a person wrote, or holds one and <see cref="NewWeights"/> is false.
    /// </summary>
    /// <param name="context">The run's environment (its clock dates the card).</param>
    /// <param name="parse">The command line, quoted back into the card.</param>
    /// <returns>True when the card was written.</returns>
    public bool Write(CliContext context, ParseResult parse)
    {
        if (File.Exists(CardPath) && (!NewWeights || !IsGenerated(CardPath)))
        {
            return false;
        }

        var weights = SafeTensorsFile.ReadHeader(Path.Combine(OutDir, "weights.safetensors"), "weights.safetensors");
        string command = CommandOf(parse);
        if (RecordedCommands(CheckpointDirectory) is [.., var last] recorded && last == command)
        {
            // This run recorded itself: the list holds the command that started the run even when
            // that run was stopped before it saved a model, so before any card was written.
            command = string.Join('\n', recorded);
        }
        else if (Resumes(parse) && File.Exists(CardPath) && CommandsIn(File.ReadAllText(CardPath)) is [_, ..] earlier)
        {
            // A resume continues the run the card describes: its command goes under the ones before
            // it, not in their place (a card saying only "--resume" would not say how to retrain).
            command = string.Join('\n', Appended(earlier, command));
        }

        AtomicFile.WriteAllText(CardPath, Text(command, weights.ElementCount, context.Environment.Clock.GetUtcNow()));
        return true;
    }

    /// <summary>
    /// Runs <paramref name="save"/>, which writes the model folder's weights, and says whether
    /// weights.safetensors now holds other bytes than before it (true when there was none). A resume
    /// that trains nothing saves its checkpoint's weights: the bytes already there when the run that
    /// wrote the checkpoint saved its model, other ones when that run was killed before or while it
    /// saved, so that the card in the folder, if any, describes an earlier stage of the run.
    /// </summary>
    /// <param name="outDir">The model folder.</param>
    /// <param name="save">Writes the model folder (weights and config).</param>
    /// <returns>True when the weights file is new or changed: pass it as <see cref="NewWeights"/>.</returns>
    public static bool SaveChangesWeights(string outDir, Action save)
    {
        string path = ModelIo.WeightsPath(outDir);
        // A model folder is small (25 MB at most for a bundled model), so two reads of it cost little.
        byte[]? before = ReadIfRegular(path);
        save();
        return before is null || !before.AsSpan().SequenceEqual(File.ReadAllBytes(path));
    }

    // The weights there before the save; null when there are none, or none to compare (a named pipe would
    // be waited on for ever, a file over 2 GiB fits no array, one may be unreadable): the save replaces
    // them either way, so they count as changed.
    private static byte[]? ReadIfRegular(string path)
    {
        try
        {
            bool regular = File.Exists(path) && FileKind.NotRegular(path) is null
                && new FileInfo(path).Length <= SafeTensorsFile.MaxFileBytes;
            return regular ? File.ReadAllBytes(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Records the run's command in <see cref="CommandsFileName"/> of its checkpoint folder, so that
    /// the card written at the end, perhaps by a later resume, can say how the run was started: a
    /// fresh run (or <c>--force</c>) replaces the list with its command, a resume adds its own. Call it
    /// once the run is known to go ahead (after the checks that refuse it), before training starts.
    /// </summary>
    /// <param name="parse">The command line.</param>
    /// <param name="checkpointDirectory">The run's checkpoint folder.</param>
    public static void RecordCommand(ParseResult parse, string checkpointDirectory)
    {
        string command = CommandOf(parse);
        IReadOnlyList<string> commands;
        if (!Resumes(parse))
        {
            commands = [command];
        }
        else if (RecordedCommands(checkpointDirectory) is [_, ..] earlier)
        {
            commands = Appended(earlier, command);
        }
        else
        {
            // A folder from before the list was kept: the card's own list stays the record (see Write).
            return;
        }

        Directory.CreateDirectory(checkpointDirectory);
        AtomicFile.WriteAllText(
            Path.Combine(checkpointDirectory, CommandsFileName), string.Join('\n', commands) + "\n");
    }

    // The commands recorded in a checkpoint folder, or null when none are (or they cannot be read).
    private static IReadOnlyList<string>? RecordedCommands(string checkpointDirectory)
    {
        string path = Path.Combine(checkpointDirectory, CommandsFileName);
        try
        {
            return File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToList() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;   // the card's own list is the fallback, as for a folder without the file
        }
    }

    private static bool Resumes(ParseResult parse) => parse.Tokens.Any(t => t.Value == "--resume");

    private static string CommandOf(ParseResult parse) => CommandLine(parse.Tokens.Select(t => t.Value));

    // A resume's command under the earlier ones; the same command resumed again is listed once.
    private static IReadOnlyList<string> Appended(IReadOnlyList<string> earlier, string command) =>
        earlier[^1] == command ? earlier : [.. earlier, command];

    /// <summary>The card's Markdown.</summary>
    /// <param name="commandLine">
    /// The command as <see cref="CommandLine"/> writes it; several lines when the run resumed earlier
    /// ones (the first started the training).
    /// </param>
    /// <param name="parameters">Elements over all tensors of the weights.</param>
    /// <param name="now">When the model was saved.</param>
    public string Text(string commandLine, long parameters, DateTimeOffset now)
    {
        string folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(OutDir)));
        string verb = $"multimodal train {Verb}";
        string metric = KeyMetric is not null
            ? $"Key metric: {KeyMetric}"
            : "No key metric: " + (NewWeights ? "the run had no validation set"
                : "this run resumed a finished run and printed no validation figures");
        string resumes = commandLine.Contains('\n')
            ? "\n\nThe first command started the training; each one after it resumed it."
            : "";
        var c = CultureInfo.InvariantCulture;
        return $"""
            {Marker} {Verb}: a later run into this folder replaces this card unless this line is deleted -->
            # {folder}: trained by `{verb}`

            Written by `{verb}` when it saved the model. You may edit it; delete the first line and later runs keep it.

            {metric}

            ## Training

            ```sh
            {commandLine}
            ```{resumes}

            - data: {Data}
            - items: {Items}
            - trained: {Epochs}
            - parameters: {parameters.ToString("N0", c)}
            - date: {now.UtcDateTime.ToString("yyyy-MM-dd HH:mm", c)} UTC

            """;
    }

    /// <summary>
    /// The command lines in a generated card's Training block: the run that started training, then
    /// each resume of it (a resume repeated with the same command is listed once).
    /// </summary>
    public static IReadOnlyList<string> CommandsIn(string card)
    {
        var lines = card.Split('\n');
        int start = Array.FindIndex(lines, l => l.TrimEnd('\r') == "```sh");
        if (start < 0)
        {
            return [];
        }

        int end = Array.FindIndex(lines, start + 1, l => l.TrimEnd('\r') == "```");
        return end < 0 ? [] : lines[(start + 1)..end].Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
    }

    /// <summary>Whether the card at <paramref name="path"/> was written by a train verb (its first line).</summary>
    public static bool IsGenerated(string path)
    {
        try
        {
            return File.ReadLines(path).FirstOrDefault()?.StartsWith(Marker, StringComparison.Ordinal) == true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;   // a card that cannot be read is not known to be ours: it is left alone
        }
    }

    /// <summary>
    /// "3 of 20 epochs, 120 steps": the last epoch a trainer finished and its steps (those before a
    /// resume included); a resume that found every epoch done says what its checkpoint had done.
    /// </summary>
    public static string Progress(TrainingResult result, int planned) =>
        Progress(result.EpochsDone > 0 ? result.EpochsDone
            : result.Epochs.Count > 0 ? result.Epochs[^1].Epoch + 1 : planned, planned, result.Steps);

    /// <summary>
    /// "3 of 20 epochs, 120 steps"; "15 epochs, 600 steps" when a resume found more done than planned
    /// ("15 of 10" would read as a miscount).
    /// </summary>
    public static string Progress(int done, int planned, long steps) => string.Create(CultureInfo.InvariantCulture,
        $"{done}{(done > planned ? "" : $" of {planned}")} epochs, {steps} step{(steps == 1 ? "" : "s")}");

    /// <summary>
    /// "multimodal" and the arguments as a POSIX shell takes them back: an argument with anything but
    /// letters, digits and <c>_@%+=:,./-</c> in it is single-quoted.
    /// </summary>
    public static string CommandLine(IEnumerable<string> args) =>
        string.Join(' ', args.Select(a => a.Length > 0 && PlainArgument().IsMatch(a) ? a
            : "'" + a.Replace("'", @"'\''", StringComparison.Ordinal) + "'").Prepend("multimodal"));

    [GeneratedRegex("^[A-Za-z0-9_@%+=:,./-]+$")]
    private static partial Regex PlainArgument();
}
