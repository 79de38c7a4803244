using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Pipelines.Captioning.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipelines.Captioning.Encoders;

/// <summary>
/// The input normalisation the CNTK ResNet-18 was trained with, read from the package's own
/// ResNetPreprocess.onnx. That graph splits planar RGB input (0..255) into R, G, B, concatenates
/// them as B, G, R and subtracts a [3, 224, 224] mean image ("MeanImage"; per-channel averages
/// about 103, 116, 123, as for Caffe/CNTK ImageNet models). No scaling to [0, 1] and no std.
/// The mean image is recovered by running the graph on zeros (output = -mean), so nothing of the
/// graph is re-typed here; a test checks <see cref="Apply"/> against the graph on a real photo.
/// </summary>
public sealed class ResNet18Preprocessing
{
    private readonly float[] mean;   // [3, 224, 224], B, G, R

    private ResNet18Preprocessing(float[] mean) => this.mean = mean;

    /// <summary>The mean image, [3, 224, 224] in B, G, R order.</summary>
    public ReadOnlySpan<float> Mean => mean;

    /// <summary>Reads the mean image from ResNetPreprocess.onnx.</summary>
    /// <exception cref="InvalidDataException">The file is not the expected preprocessing graph.</exception>
    public static ResNet18Preprocessing FromModel(string path)
    {
        try
        {
            using var session = new InferenceSession(path);
            var zeros = new DenseTensor<float>(new[] { 1, 3, ResNet18Encoder.InputSize, ResNet18Encoder.InputSize });
            var output = Run(session, zeros);
            for (int i = 0; i < output.Length; i++)
            {
                output[i] = -output[i];
            }

            return new ResNet18Preprocessing(output);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{path}: not a usable ResNetPreprocess.onnx: {e.Message}", e);
        }
    }

    /// <summary>Runs the package's preprocessing graph on planar RGB [1, 3, 224, 224] (for tests).</summary>
    public static float[] RunGraph(string path, DenseTensor<float> rgb)
    {
        using var session = new InferenceSession(path);
        return Run(session, rgb);
    }

    /// <summary>Writes the input of a 224x224 image, [3, 224, 224], into <paramref name="destination"/>.</summary>
    public void Apply(Image<Rgb24> image, Span<float> destination)
    {
        if (image.Width != ResNet18Encoder.InputSize || image.Height != ResNet18Encoder.InputSize)
        {
            throw new ArgumentException($"ResNet-18 input must be 224x224; got {image.Width}x{image.Height}");
        }

        ImageResizer.ToPlanar(image, destination, bgr: true, mean, 1f);
    }

    private static float[] Run(InferenceSession session, DenseTensor<float> input)
    {
        string name = session.InputMetadata.Keys.Single();
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(name, input) });
        var output = results.First().AsTensor<float>().ToArray();
        int expected = 3 * ResNet18Encoder.InputSize * ResNet18Encoder.InputSize;
        if (output.Length != expected)
        {
            throw new InvalidDataException($"preprocessing graph gave {output.Length} values; expected {expected}");
        }

        return output;
    }
}
