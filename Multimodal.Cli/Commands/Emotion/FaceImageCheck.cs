using Pipelines.Captioning.Images;

namespace Multimodal.Cli.Commands.Emotion;

/// <summary>
/// The check <c>train emotion</c> and <c>eval emotion</c> ask of each face image before OpenCV
/// decodes it (<see cref="Pipelines.Video.Emotion.FerDataset.Load"/>'s checkFile), and
/// <c>video emotion</c> of each still image. OpenCV decodes
/// up to a gigapixel, so a 400-megapixel PNG in a class folder took half a gigabyte to be scored as
/// one face; its header is held to the limits <c>caption</c> and <c>video emotion</c> apply.
/// </summary>
internal static class FaceImageCheck
{
    /// <summary>
    /// Why <paramref name="path"/> must not be decoded: its header declares more pixels than the
    /// captioning limits allow ("PNG header declares 40000 x 40000 = ..."); null when it passes or
    /// is no format the header reader knows (OpenCV then judges it).
    /// </summary>
    public static string? DeclaredSize(string path)
    {
        try
        {
            ImageLoader.Shared.CheckDeclaredSize(path);
            return null;
        }
        catch (ImageLoadException e)
        {
            return e.Reason;
        }
    }
}
