namespace Pipelines.Captioning.Data;

/// <summary>One image with its reference captions.</summary>
/// <param name="Image">The image file name or relative path, as the caption file gives it.</param>
/// <param name="Captions">Its human captions (Flickr8k and COCO have about five).</param>
/// <param name="Split">"train", "dev", "test"... when the file says; null otherwise.</param>
public sealed record CaptionedImage(string Image, IReadOnlyList<string> Captions, string? Split);
