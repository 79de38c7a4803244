using Multimodal.Cli.Hosting;

namespace Multimodal.Cli.Commands;

/// <summary>
/// How every <c>train</c> verb treats a training file it cannot read: the file is left out with one
/// <c>warning: &lt;file&gt;: skipped: &lt;reason&gt;</c> line on stderr, training goes on with the
/// rest, and the run ends with one summary line on stdout, <c>train speech: 1 of 7 files skipped
/// (see the warnings above)</c>. Finishing is a success (exit 0), so these lines never say
/// <c>error:</c>, which is kept for what makes the exit code non-zero; a set with no readable file
/// at all, or a bad manifest row, is such an error.
/// </summary>
internal static class TrainingSkips
{
    /// <summary>The warning line for one skipped file.</summary>
    public static void Warn(CliContext context, string file, string reason) =>
        context.Environment.Error.WriteLine(ErrorLine.FormatWarning(file, "skipped: " + reason));

    /// <summary>The closing summary line; nothing when no file was skipped.</summary>
    /// <param name="context">Where stdout is.</param>
    /// <param name="verb">"train speech", "train caption", ...</param>
    /// <param name="skipped">Files left out.</param>
    /// <param name="total">Files the run looked at, skipped ones included.</param>
    /// <param name="noun">What the files are, plural ("files", "images").</param>
    public static void Summary(CliContext context, string verb, int skipped, int total, string noun)
    {
        if (skipped > 0)
        {
            context.Environment.Out.WriteLine($"{verb}: {skipped} of {total} {noun} skipped (see the warnings above)");
        }
    }
}
