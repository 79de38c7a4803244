namespace Pipelines.Speech.Model;

/// <summary>What <see cref="AcousticModel.CopyWeightsFrom"/> took from the source model.</summary>
/// <param name="Copied">Parameters copied whole (the output layer's two when every token was kept).</param>
/// <param name="TokensKept">Output tokens whose row and bias came from the source (found by name).</param>
/// <param name="Tokens">Output tokens of the model copied into.</param>
public sealed record WeightTransfer(IReadOnlyList<string> Copied, int TokensKept, int Tokens);
