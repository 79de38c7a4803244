using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipelines.Captioning.Encoders;

/// <summary>
/// Turns decoded images into the vector a caption model reads per image. A frozen encoder
/// (<see cref="Trainable"/> false, e.g. the ONNX ResNet-18) gives its features; a trainable one
/// gives preprocessed pixels that the model's own CNN turns into features, so it trains end to end.
/// Either way the vectors can be cached once and reused every epoch.
/// </summary>
public interface IImageEncoder : IDisposable
{
    /// <summary>Stable name written into model configs and feature caches ("resnet18-onnx", "small-cnn").</summary>
    string Kind { get; }

    /// <summary>Side of the square input images are resized to (whole image, no crop).</summary>
    int ImageSize { get; }

    /// <summary>Floats per image that <see cref="Prepare"/> writes.</summary>
    int VectorSize { get; }

    /// <summary>True when the vectors are pixels for a trainable CNN rather than final features.</summary>
    bool Trainable { get; }

    /// <summary>Images per call that run best (the caller may pass any number).</summary>
    int PreferredBatch { get; }

    /// <summary>Writes [images.Count, VectorSize] into <paramref name="destination"/>.</summary>
    /// <param name="images">Upright RGB images of any size.</param>
    /// <param name="destination">Exactly images.Count * VectorSize floats.</param>
    void Prepare(IReadOnlyList<Image<Rgb24>> images, Span<float> destination);
}
