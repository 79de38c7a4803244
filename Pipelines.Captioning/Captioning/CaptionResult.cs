using Pipelines.Captioning.Decoding;

namespace Pipelines.Captioning.Captioning;

/// <summary>The outcome for one image: a caption, or the reason there is none.</summary>
/// <param name="Path">The image file.</param>
/// <param name="Caption">The caption, or null when the image failed.</param>
/// <param name="Error">Why the image failed (without the file name), or null.</param>
public sealed record CaptionResult(string Path, GeneratedCaption? Caption, string? Error);
