using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Pipelines.Captioning.Images;

/// <summary>
/// Resizes a whole image to a square encoder input, ignoring its aspect ratio (no crop): most
/// Flickr8k photos reached us already squashed to 224x224, so training and inference squash the
/// same way. Bilinear (triangle) filtering, as the ResNet's training pipeline used.
/// </summary>
public static class ImageResizer
{
    /// <summary>A new <paramref name="size"/> x <paramref name="size"/> image; the source is not changed.</summary>
    public static Image<Rgb24> Square(Image<Rgb24> source, int size)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        return source.Clone(x => x.Resize(new ResizeOptions
        {
            Size = new Size(size, size),
            Mode = ResizeMode.Stretch,
            Sampler = KnownResamplers.Triangle,
        }));
    }

    /// <summary>
    /// Writes the planar channels of a <c>size x size</c> image into <paramref name="destination"/>
    /// ([3, height, width]) as <c>(value - offset[c]) * scale</c>, in RGB order or, when
    /// <paramref name="bgr"/>, BGR order. Offsets may be per pixel ([3, height, width]) or per channel ([3]).
    /// </summary>
    public static void ToPlanar(Image<Rgb24> image, Span<float> destination, bool bgr,
        ReadOnlySpan<float> offset, float scale)
    {
        int h = image.Height;
        int w = image.Width;
        int plane = h * w;
        if (destination.Length != 3 * plane)
        {
            throw new ArgumentException(
                $"destination holds {destination.Length} floats; [3, {h}, {w}] needs {3 * plane}");
        }

        bool perPixel = offset.Length == 3 * plane;
        if (!perPixel && offset.Length != 3)
        {
            throw new ArgumentException($"offset must have 3 or {3 * plane} values; got {offset.Length}");
        }

        var buffer = destination;
        var offsets = offset;
        for (int y = 0; y < h; y++)
        {
            var row = image.DangerousGetPixelRowMemory(y).Span;
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                var p = row[x];
                float first = bgr ? p.B : p.R;
                float third = bgr ? p.R : p.B;
                buffer[i] = (first - offsets[perPixel ? i : 0]) * scale;
                buffer[plane + i] = (p.G - offsets[perPixel ? plane + i : 1]) * scale;
                buffer[2 * plane + i] = (third - offsets[perPixel ? 2 * plane + i : 2]) * scale;
            }
        }
    }
}
