namespace Pipelines.Speech.Data;

/// <summary>One recording of the Free Spoken Digit Dataset, named <c>{digit}_{speaker}_{index}.wav</c>.</summary>
/// <param name="Digit">The spoken digit, 0..9.</param>
/// <param name="Speaker">Speaker name (e.g. "george").</param>
/// <param name="Index">Recording number of this digit by this speaker (0..49).</param>
/// <param name="Path">Full path of the WAV file.</param>
public sealed record FsddClip(int Digit, string Speaker, int Index, string Path);
