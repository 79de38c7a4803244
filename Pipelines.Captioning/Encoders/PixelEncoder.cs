using Pipelines.Captioning.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipelines.Captioning.Encoders;

/// <summary>
/// The input side of the small trainable CNN: each image resized whole to <see cref="ImageSize"/>
/// squared and written as planar RGB scaled to [-1, 1]. The CNN itself is part of the caption
/// model (<see cref="Model.SmallCnn"/>), so its weights train with the decoder.
/// </summary>
public sealed class PixelEncoder : IImageEncoder
{
    /// <summary>The <see cref="Kind"/> of this encoder.</summary>
    public const string KindName = "small-cnn";

    private static readonly float[] Offset = [127.5f, 127.5f, 127.5f];

    /// <summary>Creates the encoder for a square input of <paramref name="imageSize"/> pixels.</summary>
    public PixelEncoder(int imageSize)
    {
        if (imageSize < 8 || imageSize > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(imageSize), $"image size must be 8..1024; got {imageSize}");
        }

        ImageSize = imageSize;
    }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public int ImageSize { get; }

    /// <inheritdoc />
    public int VectorSize => 3 * ImageSize * ImageSize;

    /// <inheritdoc />
    public bool Trainable => true;

    /// <inheritdoc />
    public int PreferredBatch => 32;

    /// <inheritdoc />
    public void Prepare(IReadOnlyList<Image<Rgb24>> images, Span<float> destination)
    {
        EncoderChecks.Destination(images.Count, VectorSize, destination);
        for (int i = 0; i < images.Count; i++)
        {
            using var resized = ImageResizer.Square(images[i], ImageSize);
            ImageResizer.ToPlanar(resized, destination.Slice(i * VectorSize, VectorSize), bgr: false, Offset,
                1f / 127.5f);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
