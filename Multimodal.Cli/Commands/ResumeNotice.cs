using Rnn.Core.Training;

namespace Multimodal.Cli.Commands;

/// <summary>
/// What a train verb says when <c>--resume</c> finds nothing to resume: before the run, if the
/// checkpoint folder holds no checkpoint, so the user knows at once that a long run starts over;
/// after it, only if checkpoints were there but none could be read (each unreadable one was named
/// as the trainer met it).
/// </summary>
internal sealed class ResumeNotice
{
    private readonly TextWriter output;
    private readonly string prefix;
    private readonly string directory;
    private readonly bool resume;
    private readonly bool saidBefore;

    private ResumeNotice(TextWriter output, string prefix, string directory, bool resume)
    {
        (this.output, this.prefix, this.directory, this.resume) = (output, prefix, directory, resume);
        saidBefore = resume && new CheckpointStore(directory).List().Count == 0;
        if (saidBefore)
        {
            output.WriteLine($"{prefix}no checkpoint in {directory}; training from scratch");
        }
    }

    /// <summary>Says "no checkpoint in DIR; training from scratch" now when --resume has none to read.</summary>
    /// <param name="output">Where the verb's lines go.</param>
    /// <param name="prefix">Start of the verb's lines ("" or "train emotion: ").</param>
    /// <param name="directory">The checkpoint folder.</param>
    /// <param name="resume">Whether --resume was given.</param>
    public static ResumeNotice Before(TextWriter output, string prefix, string directory, bool resume) =>
        new(output, prefix, directory, resume);

    /// <summary>After the run: says so when --resume found checkpoints but resumed from none of them.</summary>
    public void After(string? resumedFrom)
    {
        if (resume && resumedFrom is null && !saidBefore)
        {
            output.WriteLine($"{prefix}no readable checkpoint in {directory}; trained from scratch");
        }
    }
}
