using Multimodal.Cli.Hosting;
using Pipelines.Speech.Data;

namespace Multimodal.Cli.Commands;

/// <summary>
/// Reads a speech manifest for <c>train speech</c> and <c>eval speech</c> alike: every bad row is
/// its own "error: file:line: reason" line, so a user can fix them one by one from the list.
/// </summary>
internal static class ManifestRows
{
    /// <summary>
    /// The manifest's rows, or null after one error line per bad row (and the object a <c>--json</c>
    /// verb promised, <see cref="CliContext.PromiseJson"/>).
    /// </summary>
    /// <param name="context">Where the error lines go.</param>
    /// <param name="path">The manifest.</param>
    /// <param name="requireAudio">Also refuse rows whose audio file does not exist.</param>
    /// <param name="allowEmptyTranscript">Accept rows with an empty transcript.</param>
    /// <exception cref="CliException">The manifest does not exist.</exception>
    public static IReadOnlyList<ManifestEntry>? Read(
        CliContext context, string path, bool requireAudio = true, bool allowEmptyTranscript = false)
    {
        try
        {
            return SpeechManifest.Read(path, requireAudio, allowEmptyTranscript);
        }
        catch (FileNotFoundException)
        {
            throw CliException.MissingFile(path, "manifest");
        }
        catch (InvalidDataException e)
        {
            var lines = e.Message.Split('\n');
            // The first line is a summary ("N bad row(s) in ..."); each further one names a row.
            var rows = lines.Length > 1 ? lines[1..] : lines;
            foreach (var row in rows)
            {
                context.Error(null, row);
            }

            // The verb stops here: a --json verb's object carries the first row's line, as "error"
            // holds one line; the others are on stderr.
            context.WriteJsonError(null, rows[0]);
            return null;
        }
    }
}
