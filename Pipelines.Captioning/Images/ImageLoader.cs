using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Rnn.Core.Serialization;

namespace Pipelines.Captioning.Images;

/// <summary>
/// Reads JPEG, PNG, BMP, GIF (first frame), WebP and TIFF (first page) files through ImageSharp
/// 2.1 into upright opaque RGB, refusing what would be unsafe or wrong to caption: empty files,
/// unknown formats, headers over the pixel limit (checked before any pixel is decoded), files cut
/// short (of every format) and undecodable data, each as an <see cref="ImageLoadException"/> with
/// the reason.
/// Grayscale, CMYK/YCCK and 16-bit files convert to RGB; alpha is composited onto
/// <see cref="Background"/> so transparent areas do not show whatever colour is stored under them.
/// Thread-safe.
/// </summary>
/// <example>
/// <code>
/// var loader = new ImageLoader();
/// using var image = loader.Load("photo.jpg");   // image.Pixels is Image&lt;Rgb24&gt;, upright
/// </code>
/// </example>
public sealed class ImageLoader
{
    private readonly Configuration configuration;

    /// <summary>A loader with the default limits and background, for any thread.</summary>
    public static ImageLoader Shared { get; } = new();

    /// <summary>Creates a loader.</summary>
    /// <param name="limits">Decoder limits; defaults when null.</param>
    /// <param name="background">Colour under transparent pixels; white when null (what a viewer shows).</param>
    public ImageLoader(ImageLimits? limits = null, Rgb24? background = null)
    {
        Limits = limits ?? new ImageLimits();
        Limits.Validate();
        Background = background ?? new Rgb24(255, 255, 255);
        configuration = Configuration.Default.Clone();
        configuration.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
        {
            AllocationLimitMegabytes = Limits.AllocationLimitMegabytes,
        });

        // Animated GIFs and multi-page TIFFs: only the first frame is captioned, so decode no more.
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance,
            new GifDecoder { DecodingMode = FrameDecodingMode.First });
        configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance,
            new TiffDecoder { DecodingMode = FrameDecodingMode.First });
    }

    /// <summary>The limits in force.</summary>
    public ImageLimits Limits { get; }

    /// <summary>The colour transparent pixels are composited onto.</summary>
    public Rgb24 Background { get; }

    /// <summary>Reads and decodes a file.</summary>
    /// <exception cref="ImageLoadException">The file is missing, empty, too large, not an image or damaged.</exception>
    public LoadedImage Load(string path)
    {
        var info = new FileInfo(path);
        if (Directory.Exists(path))
        {
            throw new ImageLoadException(path, "is a folder, not an image file");
        }

        if (!info.Exists)
        {
            throw new ImageLoadException(path, "file does not exist");
        }

        if (FileKind.NotRegular(path) is { } kind)
        {
            throw new ImageLoadException(path, kind);   // a named pipe has length 0 and would block
        }

        if (info.Length == 0)
        {
            throw new ImageLoadException(path, "empty file (0 bytes)");
        }

        if (info.Length > Limits.MaxFileBytes)
        {
            throw new ImageLoadException(path,
                $"file is {info.Length} bytes, over the limit of {Limits.MaxFileBytes} bytes");
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // .NET's "Access to the path '...' is denied." names the path the error line names already.
            string reason = e is UnauthorizedAccessException ? "permission denied" : e.Message;
            throw new ImageLoadException(path, $"cannot be read: {reason}", e);
        }

        return Decode(bytes, path);
    }

    /// <summary>
    /// True when the file starts like an image format this program reads (by its first bytes, not
    /// its name); false for anything else, a file that cannot be read included.
    /// </summary>
    public static bool StartsLikeImage(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            var head = new byte[64];
            int read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return read > 0 && Image.DetectFormat(head.AsSpan(0, read)) is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Checks the size a file's header declares against <see cref="Limits"/> without decoding it,
    /// for callers that decode with another library (OpenCV has a far higher limit of its own). A
    /// file this program cannot identify passes: its decoder judges it.
    /// </summary>
    /// <exception cref="ImageLoadException">The header declares more pixels than the limits allow.</exception>
    public void CheckDeclaredSize(string path)
    {
        IImageInfo? info;
        IImageFormat? format;
        try
        {
            using var file = File.OpenRead(path);
            info = Image.Identify(configuration, file, out format);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException || IsDecoderFailure(e))
        {
            return;
        }

        if (info is not null && format is not null)
        {
            CheckLimits(info, path, format);
        }
    }

    /// <summary>Decodes an image held in memory; <paramref name="name"/> is used in error messages.</summary>
    /// <exception cref="ImageLoadException">Not an image, too large or damaged.</exception>
    public LoadedImage Decode(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length == 0)
        {
            throw new ImageLoadException(name, "empty file (0 bytes)");
        }

        var format = Image.DetectFormat(configuration, bytes) ?? throw new ImageLoadException(name,
            $"not an image format this program reads (JPEG, PNG, BMP, GIF, WebP, TIFF); starts with {Head(bytes)}");

        // Before the header is identified: a cut TIFF has lost its directory, and a reason that
        // says so beats the decoder's "Sequence contains no elements".
        if (!Limits.AllowTruncated && ImageTruncation.Find(bytes, format) is { } truncated)
        {
            throw new ImageLoadException(name, truncated);
        }

        CheckHeader(bytes, name, format);

        Image<Rgba32> decoded;
        try
        {
            decoded = Image.Load<Rgba32>(configuration, bytes);
        }
        catch (Exception e) when (IsDecoderFailure(e))
        {
            throw new ImageLoadException(name, $"damaged {format.Name} data: {e.Message}", e);
        }

        using (decoded)
        {
            bool oriented = Orientation(decoded.Metadata) is not (0 or 1);
            decoded.Mutate(x => x.AutoOrient());
            var flat = Flatten(decoded, out bool hadAlpha);
            return new LoadedImage(flat, format.Name, hadAlpha, oriented);
        }
    }

    // Identify reads the header only; the pixel count is checked before anything is allocated.
    private void CheckHeader(byte[] bytes, string name, IImageFormat format)
    {
        IImageInfo? info;
        try
        {
            info = Image.Identify(configuration, bytes, out _);
        }
        catch (Exception e) when (IsDecoderFailure(e))
        {
            throw new ImageLoadException(name, $"damaged {format.Name} header: {e.Message}", e);
        }

        if (info is null)
        {
            throw new ImageLoadException(name, $"damaged {format.Name} header: size unreadable");
        }

        CheckLimits(info, name, format);
    }

    private void CheckLimits(IImageInfo info, string name, IImageFormat format)
    {
        long pixels = (long)info.Width * info.Height;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new ImageLoadException(name, $"{format.Name} header declares {info.Width} x {info.Height} pixels");
        }

        if (pixels > Limits.MaxPixels || info.Width > Limits.MaxDimension || info.Height > Limits.MaxDimension)
        {
            throw new ImageLoadException(name,
                $"{format.Name} header declares {info.Width} x {info.Height} = {pixels} pixels, over the limit of "
                + $"{Limits.MaxPixels} pixels and {Limits.MaxDimension} per side");
        }
    }

    // Composites alpha onto the background: out = a * colour + (1 - a) * background.
    private Image<Rgb24> Flatten(Image<Rgba32> source, out bool hadAlpha)
    {
        var result = new Image<Rgb24>(configuration, source.Width, source.Height);
        var bg = Background;
        bool translucent = false;
        source.ProcessPixelRows(result, (from, to) =>
        {
            for (int y = 0; y < from.Height; y++)
            {
                var src = from.GetRowSpan(y);
                var dst = to.GetRowSpan(y);
                for (int x = 0; x < src.Length; x++)
                {
                    var p = src[x];
                    int a = p.A;
                    translucent |= a != 255;
                    dst[x] = a == 255
                        ? new Rgb24(p.R, p.G, p.B)
                        : new Rgb24(Blend(p.R, bg.R, a), Blend(p.G, bg.G, a), Blend(p.B, bg.B, a));
                }
            }
        });
        hadAlpha = translucent;
        return result;
    }

    private static byte Blend(byte colour, byte background, int alpha) =>
        (byte)((colour * alpha + background * (255 - alpha) + 127) / 255);

    private static int Orientation(ImageMetadata metadata)
    {
        var value = metadata.ExifProfile?.GetValue(ExifTag.Orientation);
        return value is null ? 0 : value.Value;
    }

    private static bool IsDecoderFailure(Exception e) => e is ImageFormatException or NotSupportedException
        or InvalidMemoryOperationException or InvalidDataException or EndOfStreamException
        or ArgumentException or IndexOutOfRangeException or InvalidOperationException;

    private static string Head(byte[] bytes)
    {
        int n = Math.Min(8, bytes.Length);
        return string.Join(" ", bytes.Take(n).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }
}
