namespace Pipelines.Video.Decoding;

/// <summary>How a frame is fitted to the requested width and height.</summary>
public enum ResizeMode
{
    /// <summary>Scale each axis on its own; the aspect ratio changes when the two ratios differ.</summary>
    Stretch,

    /// <summary>Cut the largest centred region with the target aspect ratio, then scale it.</summary>
    CenterCrop,
}
