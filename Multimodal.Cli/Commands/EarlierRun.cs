using Multimodal.Cli.Hosting;
using Rnn.Core.Serialization;
using Rnn.Core.Training;

namespace Multimodal.Cli.Commands;

/// <summary>
/// What a train verb does when its output folder already holds an earlier run. Without
/// <c>--resume</c> a run starts over, and starting over replaces the model there and deletes its
/// checkpoints (<see cref="CheckpointStore.Clear"/>): a mistyped <c>--out</c>, or a rerun that
/// forgot <c>--resume</c>, would lose a trained model or hours of training without a word. So a
/// fresh run into such a folder is refused unless <c>--force</c> says to replace it.
/// </summary>
internal static class EarlierRun
{
    /// <summary>The <c>--force</c> option of the train verbs.</summary>
    public static System.CommandLine.Option<bool> ForceOption() => new("--force")
    {
        Description = "Start over in an --out folder that holds an earlier run: replace its model and delete " +
            "its checkpoints (without --force such a run is refused; --resume continues it)",
    };

    /// <summary>
    /// Makes <c>--resume</c> with <c>--force</c> a command-line error: one continues the earlier run,
    /// the other deletes it, and taking either silently would surprise half the users who type both.
    /// </summary>
    public static void RefuseBoth(System.CommandLine.Command command, System.CommandLine.Option<bool> resume,
        System.CommandLine.Option<bool> force) =>
        command.Validators.Add(result =>
        {
            if (result.GetValue(resume) && result.GetValue(force))
            {
                result.AddError("--resume and --force contradict each other: --resume continues the earlier run " +
                    "in --out, --force deletes it and starts over");
            }
        });

    /// <summary>
    /// Refuses a fresh run into a folder with a model or checkpoints, and a resumed one into a folder
    /// with a model but no checkpoints, unless forced; first deletes the temporary files a killed run
    /// left in both folders. Called with the folder's output lock held.
    /// </summary>
    /// <param name="outDir">The model folder (<c>--out</c>).</param>
    /// <param name="checkpoints">Its checkpoint folder.</param>
    /// <param name="resume">Whether <c>--resume</c> was given (then the earlier run is continued).</param>
    /// <param name="force">Whether <c>--force</c> was given.</param>
    /// <exception cref="CliException">The folder holds an earlier run and neither option was given.</exception>
    public static void Check(string outDir, string checkpoints, bool resume, bool force)
    {
        // The caller holds the folder's lock: temporary files there are a killed run's, never
        // renamed into place, and would stay for good.
        AtomicFile.RemoveLeftovers(outDir);
        AtomicFile.RemoveLeftovers(checkpoints);
        if (force)
        {
            return;
        }

        // Either file of a model: a folder holding only weights (copied there, or a run stopped between
        // the two writes) is as much an earlier model as a whole one.
        bool model = new[] { "config.json", "weights.safetensors" }.Any(f => File.Exists(Path.Combine(outDir, f)));
        int saved = Directory.Exists(checkpoints) ? new CheckpointStore(checkpoints).List().Count : 0;
        if (resume)
        {
            // A model with no checkpoint beside it (a bundled model copied there, or checkpoints
            // deleted) has no run to continue: --resume would train from scratch and replace it.
            if (model && saved == 0)
            {
                throw new CliException(outDir, "holds a model but no checkpoint of its run to resume: --force " +
                    "replaces the model, or give another --out");
            }

            return;
        }

        if (model)
        {
            throw new CliException(outDir, "already holds a model: --force replaces it, --resume continues its " +
                "run, or give another --out");
        }

        if (saved > 0)
        {
            throw new CliException(outDir, $"holds {saved} checkpoint{(saved == 1 ? "" : "s")} of an earlier run: " +
                "--resume continues it, --force starts over (deleting them), or give another --out");
        }
    }
}
