using Pipelines.Speech.Training;

namespace Pipelines.Speech.Transcription;

/// <summary>
/// Word and character error rates of hypotheses against references, after normalising both
/// (lower case, runs of whitespace to one space, trimmed). Both are edit distances
/// summed over utterances and divided by the total reference length (<see cref="TokenErrorRate"/>);
/// the character rate counts text elements (<see cref="TranscriptText.Characters"/>), the spaces
/// between words included.
/// </summary>
public static class ErrorRates
{
    /// <summary>Lower-cases and collapses whitespace: "  Four ONE\tseven " becomes "four one seven".</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Join(' ', text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Word error rate of <paramref name="hypotheses"/> against <paramref name="references"/>.</summary>
    public static double Words(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references) =>
        Rate(hypotheses, references, t => t.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Character error rate of <paramref name="hypotheses"/> against <paramref name="references"/>.</summary>
    public static double Characters(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references) =>
        Rate(hypotheses, references, TranscriptText.Characters);

    private static double Rate(
        IReadOnlyList<string> hypotheses, IReadOnlyList<string> references, Func<string, IEnumerable<string>> split)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        // TokenErrorRate compares ids, so every distinct token gets one, shared by both sides.
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        IReadOnlyList<int> Encode(string text) =>
            split(Normalize(text)).Select(t => ids.TryGetValue(t, out int id) ? id : ids[t] = ids.Count).ToArray();
        var hyp = hypotheses.Select(Encode).ToArray();
        var refs = references.Select(Encode).ToArray();
        return TokenErrorRate.Compute(hyp, refs);
    }
}
