using Pipelines.Speech.Features;

namespace Pipelines.Speech.Training;

/// <summary>One training utterance: normalised features and its token indices (no blanks).</summary>
/// <param name="Features">[time, mels], already normalised as the model expects.</param>
/// <param name="Tokens">Target token indices.</param>
public sealed record SpeechExample(FeatureMatrix Features, int[] Tokens);
