using Rnn.Core.Training;

namespace Multimodal.Cli.Commands;

/// <summary>
/// What a train verb says when <c>--resume</c> finds nothing to resume, before the run starts, so
/// the user knows at once that a long run starts over. (Checkpoints that are there but all
/// unreadable stop the run with an error instead; see <see cref="CheckpointStore.LoadLatest"/>.)
/// </summary>
internal static class ResumeNotice
{
    /// <summary>Says "no checkpoint in DIR; training from scratch" when --resume has none to read.</summary>
    /// <param name="output">Where the verb's lines go.</param>
    /// <param name="prefix">Start of the verb's lines ("" or "train emotion: ").</param>
    /// <param name="directory">The checkpoint folder.</param>
    /// <param name="resume">Whether --resume was given.</param>
    public static void Before(TextWriter output, string prefix, string directory, bool resume)
    {
        if (resume && new CheckpointStore(directory).List().Count == 0)
        {
            output.WriteLine($"{prefix}no checkpoint in {directory}; training from scratch");
        }
    }
}
