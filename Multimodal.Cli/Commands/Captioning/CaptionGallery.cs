using System.Net;
using System.Text;
using Pipelines.Captioning.Images;
using Rnn.Core.Serialization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Processing;

namespace Multimodal.Cli.Commands.Captioning;

/// <summary>
/// The <c>--html</c> page of <c>caption</c>: one card per image with a thumbnail (JPEG embedded as a
/// data: URI, at most 240 px) and its caption. Fully offline: no script, no external link, no
/// remote font or style. Written atomically.
/// </summary>
internal static class CaptionGallery
{
    private const int Thumbnail = 240;

    public static void Write(string path, IReadOnlyList<CaptionLine> captions, ImageLoader loader)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
            .Append("<title>Captions</title>\n<style>body{font-family:sans-serif;margin:1em;background:#fafafa}")
            .Append(".card{display:inline-block;vertical-align:top;width:260px;margin:8px;padding:8px;")
            .Append("background:#fff;border:1px solid #ddd}.card img{max-width:240px;max-height:240px}")
            .Append(".file{color:#666;font-size:small;word-break:break-all}</style></head><body>\n")
            .Append("<h1>Captions</h1>\n");
        foreach (var c in captions)
        {
            html.Append("<div class=\"card\">");
            if (ThumbnailUri(c.File, loader) is { } uri)
            {
                html.Append("<img alt=\"\" src=\"").Append(uri).Append("\">");
            }

            html.Append("<p>").Append(WebUtility.HtmlEncode(c.Caption)).Append("</p><p class=\"file\">")
                .Append(WebUtility.HtmlEncode(c.File)).Append("</p></div>\n");
        }

        html.Append("</body></html>\n");
        AtomicFile.WriteAllText(path, html.ToString());
    }

    // A file that cannot be read now (moved, damaged since) gets a card without a picture.
    private static string? ThumbnailUri(string file, ImageLoader loader)
    {
        try
        {
            using var image = loader.Load(file);
            using var small = image.Pixels.Clone(x => x.Resize(new ResizeOptions
            {
                Size = new Size(Thumbnail, Thumbnail),
                Mode = ResizeMode.Max,
            }));
            using var bytes = new MemoryStream();
            small.Save(bytes, new JpegEncoder { Quality = 80 });
            return "data:image/jpeg;base64," + Convert.ToBase64String(bytes.ToArray());
        }
        catch (ImageLoadException)
        {
            return null;
        }
    }
}
