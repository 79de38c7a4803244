using Pipelines.Captioning.Text;

namespace Pipelines.Captioning.Decoding;

/// <summary>A generated caption.</summary>
/// <param name="Tokens">The words, without &lt;start&gt; or &lt;end&gt;.</param>
/// <param name="LogProbability">Sum of the log-probabilities of the words and &lt;end&gt;.</param>
/// <param name="Score">The ranking score: log-probability after length normalisation.</param>
public sealed record GeneratedCaption(IReadOnlyList<string> Tokens, double LogProbability, double Score)
{
    /// <summary>The caption as text ("A dog runs on the grass").</summary>
    public string Text => CaptionTokenizer.Detokenize(Tokens);
}
