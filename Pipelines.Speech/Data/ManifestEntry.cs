namespace Pipelines.Speech.Data;

/// <summary>One utterance of a <see cref="SpeechManifest"/>.</summary>
/// <param name="AudioPath">Full path of the audio file (resolved against the manifest's folder).</param>
/// <param name="Transcript">What is said, as written in the manifest (trimmed).</param>
/// <param name="Line">1-based line of the manifest, for error messages.</param>
public sealed record ManifestEntry(string AudioPath, string Transcript, int Line);
