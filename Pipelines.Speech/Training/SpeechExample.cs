using Pipelines.Speech.Features;

namespace Pipelines.Speech.Training;

/// <summary>One training utterance: normalised features and its token indices (no blanks).</summary>
/// <param name="Features">[time, features], already normalised as the model expects.</param>
/// <param name="Tokens">Target token indices.</param>
/// <param name="Bands">
/// [time, melBands] raw log-mel bands the features were made from, kept only where training
/// perturbs them (<see cref="SpeechTrainerOptions.Vtlp"/>); null otherwise.
/// </param>
public sealed record SpeechExample(FeatureMatrix Features, int[] Tokens, FeatureMatrix? Bands = null);
