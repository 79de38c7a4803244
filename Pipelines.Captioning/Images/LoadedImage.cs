using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipelines.Captioning.Images;

/// <summary>
/// A decoded image, upright (EXIF orientation applied) and opaque RGB (alpha composited onto the
/// background), with what the file said about itself. Dispose it to return the pixel memory.
/// </summary>
/// <param name="Pixels">Upright, opaque RGB pixels.</param>
/// <param name="Format">The format name ImageSharp detected ("JPEG", "PNG", ...).</param>
/// <param name="HadAlpha">True when some pixel was not fully opaque (and was composited).</param>
/// <param name="Oriented">True when an EXIF orientation other than top-left was applied.</param>
public sealed record LoadedImage(Image<Rgb24> Pixels, string Format, bool HadAlpha, bool Oriented) : IDisposable
{
    /// <summary>Width after orientation.</summary>
    public int Width => Pixels.Width;

    /// <summary>Height after orientation.</summary>
    public int Height => Pixels.Height;

    /// <inheritdoc />
    public void Dispose() => Pixels.Dispose();
}
