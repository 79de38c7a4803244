namespace Pipelines.Speech.Decoding;

/// <summary>One recognised word with its time span in the audio file.</summary>
/// <param name="Text">The word.</param>
/// <param name="Start">Seconds from the start of the file where the word's first token begins.</param>
/// <param name="End">Seconds from the start of the file where the word's last token ends.</param>
/// <param name="Confidence">
/// In [0, 1]: the geometric mean of the model's posterior over the frames the CTC alignment gives
/// to the word's tokens (see <see cref="CtcWordBuilder"/>).
/// </param>
public sealed record TranscriptWord(string Text, double Start, double End, double Confidence);
