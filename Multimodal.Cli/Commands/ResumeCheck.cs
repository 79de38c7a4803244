using Rnn.Core.Training;

namespace Multimodal.Cli.Commands;

/// <summary>
/// The checks a <c>train</c> verb makes on <c>--resume</c> before its slow start-up (decoding audio,
/// encoding images, reading faces): the trainer makes them again when it restores the checkpoint, but
/// a refusal then would come only after minutes of work.
/// </summary>
internal static class ResumeCheck
{
    /// <summary>
    /// Refuses the newest readable checkpoint in <paramref name="directory"/> when another kind of training
    /// wrote it, then when a recorded setting differs from <paramref name="settings"/>; does nothing when
    /// the folder has no checkpoint. An unreadable newest checkpoint is skipped for an older one, as the
    /// trainer does (and reports).
    /// </summary>
    /// <param name="directory">The run's checkpoint folder.</param>
    /// <param name="kind">The verb's training kind, say <c>SpeechTrainer.TrainingKind</c>.</param>
    /// <param name="settings">This run's recorded settings; null compares none.</param>
    /// <exception cref="InvalidDataException">One line naming the checkpoint or its folder and the reason.</exception>
    public static void Before(string directory, string kind, IReadOnlyDictionary<string, string>? settings)
    {
        (string Path, TrainingCheckpoint Checkpoint)? found;
        try
        {
            found = new CheckpointStore(directory).LoadLatest();
        }
        catch (InvalidDataException e)
        {
            // LoadLatest throws only when no checkpoint can be read (one bad file it passes over):
            // nothing to go back to, so say how to go on, the run started over (which replaces them).
            throw new InvalidDataException(
                $"{e.Message}; rerun without --resume to start over (with --force where the output folder " +
                "already holds a model)", e);
        }

        if (found is not { } latest)
        {
            return;
        }

        latest.Checkpoint.CheckKind(kind, latest.Path);
        if (settings is not null)
        {
            latest.Checkpoint.CheckSettings(settings, latest.Path);
        }
    }
}
