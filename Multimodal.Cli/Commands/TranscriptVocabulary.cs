using Pipelines.Speech.Model;
using Pipelines.Speech.Transcription;

namespace Multimodal.Cli.Commands;

/// <summary>
/// Builds the CTC vocabulary of <c>train speech</c> from the training transcripts: either every
/// distinct lower-cased word, or every distinct character plus a word separator. Tokens are sorted
/// ordinally so the same transcripts always give the same vocabulary (resume relies on it).
/// </summary>
public static class TranscriptVocabulary
{
    /// <summary>The blank token, always index 0.</summary>
    public const string Blank = "<blank>";

    /// <summary>The word separator of character vocabularies.</summary>
    public const string Separator = "|";

    /// <summary>The vocabulary of <paramref name="transcripts"/>; <paramref name="characters"/> picks chars.</summary>
    /// <exception cref="ArgumentException">A character transcript contains the separator itself.</exception>
    public static AcousticVocabulary Build(IEnumerable<string> transcripts, bool characters)
    {
        ArgumentNullException.ThrowIfNull(transcripts);
        var normalized = transcripts.Select(ErrorRates.Normalize).ToArray();
        if (!characters)
        {
            var words = normalized.SelectMany(t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            return new AcousticVocabulary([Blank, .. words]);
        }

        var bad = normalized.FirstOrDefault(t => t.Contains(Separator, StringComparison.Ordinal));
        if (bad is not null)
        {
            throw new ArgumentException($"transcript '{bad}' contains '{Separator}', the word separator token");
        }

        var chars = normalized.SelectMany(t => t).Where(c => c != ' ').Distinct().Order()
            .Select(c => c.ToString());
        return new AcousticVocabulary([Blank, Separator, .. chars], wordSeparator: Separator);
    }
}
