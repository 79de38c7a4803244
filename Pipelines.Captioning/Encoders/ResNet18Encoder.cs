using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Pipelines.Captioning.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipelines.Captioning.Encoders;

/// <summary>
/// Pretrained ResNet-18 (the CNTK export shipped in ML.NET's DnnImageFeaturizer package) run by
/// ONNX Runtime: each image is resized whole to 224x224, converted by
/// <see cref="ResNet18Preprocessing"/> (BGR, 0..255 minus the mean image, exactly what the
/// package's ResNetPreprocess.onnx computes) and run in batches; the output is the 512 values of
/// the global average pool. The model's batch dimension, fixed to 1 in the file, is made
/// symbolic on load so one call runs a whole batch.
/// </summary>
/// <example>
/// <code>
/// using var encoder = ResNet18Encoder.Open(ResNet18Files.Locate(out var why) ?? throw new(why));
/// var features = new float[images.Count * encoder.VectorSize];
/// encoder.Prepare(images, features);   // [images, 512]
/// </code>
/// </example>
public sealed class ResNet18Encoder : IImageEncoder
{
    /// <summary>The <see cref="Kind"/> of this encoder.</summary>
    public const string KindName = "resnet18-onnx";

    /// <summary>Input side in pixels.</summary>
    public const int InputSize = 224;

    /// <summary>Features per image.</summary>
    public const int Features = 512;

    private const string InputName = "Input247";
    private const string OutputName = "Pooling395_Output_0";
    private readonly InferenceSession session;
    private readonly ResNet18Preprocessing preprocessing;
    private readonly int maxBatch;

    private ResNet18Encoder(InferenceSession session, ResNet18Preprocessing preprocessing, int maxBatch)
    {
        this.session = session;
        this.preprocessing = preprocessing;
        this.maxBatch = maxBatch;
    }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public int ImageSize => InputSize;

    /// <inheritdoc />
    public int VectorSize => Features;

    /// <inheritdoc />
    public bool Trainable => false;

    /// <inheritdoc />
    public int PreferredBatch => maxBatch;

    /// <summary>Loads the model and the mean image.</summary>
    /// <param name="files">The two ONNX files.</param>
    /// <param name="threads">ONNX Runtime intra-op threads; 0 lets it choose (all cores).</param>
    /// <param name="batch">Images per run; 1 keeps the model as shipped.</param>
    /// <exception cref="InvalidDataException">A file is missing or not the expected model.</exception>
    public static ResNet18Encoder Open(ResNet18Files files, int threads = 0, int batch = 8)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        foreach (var path in new[] { files.Model, files.Preprocess })
        {
            if (!File.Exists(path))
            {
                throw new InvalidDataException($"{path}: ResNet-18 file missing (from {ResNet18Files.Package})");
            }
        }

        var preprocessing = ResNet18Preprocessing.FromModel(files.Preprocess);
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,   // failures come back as exceptions
        };

        // Between runs the caller decodes images and searches beams on the same cores; ORT's idle
        // workers would spin-wait through that and take the CPU from it (measured on 100 dev images
        // on the shared 2-core machine: 10.6 images/s without spinning, 6.0 with).
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        byte[] bytes = File.ReadAllBytes(files.Model);
        try
        {
            var session = new InferenceSession(batch > 1 ? OnnxBatchDimension.MakeDynamic(bytes) : bytes, options);
            Check(session, files.Model);
            return new ResNet18Encoder(session, preprocessing, batch);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{files.Model}: ONNX Runtime cannot load it: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public void Prepare(IReadOnlyList<Image<Rgb24>> images, Span<float> destination)
    {
        EncoderChecks.Destination(images.Count, Features, destination);
        for (int start = 0; start < images.Count; start += maxBatch)
        {
            int n = Math.Min(maxBatch, images.Count - start);
            var input = new DenseTensor<float>(new[] { n, 3, InputSize, InputSize });   // [batch, 3, 224, 224]
            var buffer = input.Buffer.Span;
            int size = 3 * InputSize * InputSize;
            for (int i = 0; i < n; i++)
            {
                using var resized = ImageResizer.Square(images[start + i], InputSize);
                preprocessing.Apply(resized, buffer.Slice(i * size, size));
            }

            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(InputName, input) });
            var output = results.First().AsTensor<float>();   // [batch, 512, 1, 1]
            if (output.Length != (long)n * Features)
            {
                throw new InvalidDataException($"ResNet-18 gave {output.Length} values for {n} images");
            }

            int k = 0;
            var target = destination.Slice(start * Features, n * Features);
            foreach (var v in output)
            {
                target[k++] = v;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => session.Dispose();

    private static void Check(InferenceSession session, string path)
    {
        if (!session.InputMetadata.ContainsKey(InputName) || !session.OutputMetadata.ContainsKey(OutputName))
        {
            throw new InvalidDataException(
                $"{path}: not the ResNet-18 of {ResNet18Files.Package} (needs input {InputName}, output {OutputName}; "
                + $"has {string.Join(", ", session.InputMetadata.Keys)} -> "
                + $"{string.Join(", ", session.OutputMetadata.Keys)})");
        }
    }
}
