using Pipelines.Speech.Model;
using Pipelines.Speech.Transcription;

namespace Multimodal.Cli.Commands;

/// <summary>
/// Builds the CTC vocabulary of <c>train speech</c> from the training transcripts: either every
/// distinct lower-cased word, or every distinct character plus a word separator. A character is a
/// text element of the transcript (<see cref="TranscriptText"/>): an emoji is one token, not two
/// broken UTF-16 halves. Tokens are sorted ordinally so the same transcripts always
/// give the same vocabulary (resume relies on it).
/// </summary>
public static class TranscriptVocabulary
{
    /// <summary>The blank token, always index 0.</summary>
    public const string Blank = "<blank>";

    /// <summary>The word separator of character vocabularies.</summary>
    public const string Separator = "|";

    /// <summary>The vocabulary of <paramref name="transcripts"/>; <paramref name="characters"/> picks chars.</summary>
    /// <exception cref="ArgumentException">A transcript holds a reserved token (see <see cref="Problem"/>).</exception>
    public static AcousticVocabulary Build(IEnumerable<string> transcripts, bool characters)
    {
        ArgumentNullException.ThrowIfNull(transcripts);
        var normalized = transcripts.Select(ErrorRates.Normalize).ToArray();
        foreach (string t in normalized)
        {
            if (Problem(t, characters) is { } problem)
            {
                throw new ArgumentException($"transcript '{t}' {problem}");
            }
        }

        if (!characters)
        {
            var words = normalized.SelectMany(t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            return new AcousticVocabulary([Blank, .. words]);
        }

        var chars = normalized.SelectMany(TranscriptText.Characters).Where(c => c != " ")
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return new AcousticVocabulary([Blank, Separator, .. chars], wordSeparator: Separator);
    }

    /// <summary>
    /// Why <paramref name="transcript"/> cannot be trained on with this kind of vocabulary, or null:
    /// a word that is the blank token, or (characters) the word separator. Either would be a second
    /// token of the same text, which the saved model's vocabulary refuses.
    /// </summary>
    public static string? Problem(string transcript, bool characters)
    {
        string text = ErrorRates.Normalize(transcript);
        if (characters)
        {
            return text.Contains(Separator, StringComparison.Ordinal)
                ? $"contains '{Separator}', the word separator of --vocab chars"
                : null;
        }

        return text.Split(' ').Contains(Blank, StringComparer.Ordinal)
            ? $"has the word '{Blank}', the CTC blank token of --vocab words"
            : null;
    }
}
