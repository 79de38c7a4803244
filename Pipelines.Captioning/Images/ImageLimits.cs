namespace Pipelines.Captioning.Images;

/// <summary>
/// Decoder limits for untrusted image files. ImageSharp 2.1 has no pixel limit of its own: a
/// 72-byte PNG can declare 500 million pixels and make the decoder allocate gigabytes, so the
/// header is identified first and refused above <see cref="MaxPixels"/>, and the decoder's
/// allocator is capped at <see cref="AllocationLimitMegabytes"/> per buffer.
/// </summary>
public sealed record ImageLimits
{
    /// <summary>Largest width * height accepted (default 50 megapixels).</summary>
    public long MaxPixels { get; init; } = 50_000_000;

    /// <summary>Largest width or height accepted.</summary>
    public int MaxDimension { get; init; } = 30_000;

    /// <summary>Largest file read, in bytes (default 200 MB).</summary>
    public long MaxFileBytes { get; init; } = 200L << 20;

    /// <summary>Cap on one decoder allocation, in megabytes.</summary>
    public int AllocationLimitMegabytes { get; init; } = 1024;

    /// <summary>
    /// False (default): a file cut short is refused (a JPEG without its end-of-image marker, a PNG
    /// without IEND, a GIF without its trailer, a BMP, WebP or TIFF whose pixels run past the end).
    /// ImageSharp decodes most such files silently with the missing part blank or grey, and a caption
    /// of half a photo is a wrong answer. True hands them to the decoder as they are.
    /// </summary>
    public bool AllowTruncated { get; init; }

    /// <summary>Checks the values; throws with the bad one.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxPixels, nameof(MaxPixels));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxDimension, nameof(MaxDimension));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxFileBytes, nameof(MaxFileBytes));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(AllocationLimitMegabytes, nameof(AllocationLimitMegabytes));
    }
}
