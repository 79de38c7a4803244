using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Pipelines.Captioning.Encoders;
using Pipelines.Captioning.Images;
using Pipelines.Captioning.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipelines.Captioning.Tests.Encoders;

/// <summary>
/// Runs the real ResNet-18 of the NuGet package on one or two images (ignored when the package
/// files were not restored). These tests prove the preprocessing: ours must equal the package's
/// own ResNetPreprocess.onnx, and batched features must equal the unmodified batch-1 model's.
/// </summary>
public sealed class ResNet18EncoderTests
{
    private static ResNet18Files Files()
    {
        var files = ResNet18Files.Locate(out string problem);
        if (files is null)
        {
            Assert.Ignore(problem);
        }

        return files!;
    }

    private static Image<Rgb24> Photo()
    {
        var real = TestImages.RealPhoto();
        if (real is null)
        {
            return TestImages.Gradient(224, 224, seed: 5);
        }

        using var loaded = new ImageLoader().Load(real);
        return ImageResizer.Square(loaded.Pixels, 224);
    }

    [Test]
    public void PreprocessingEqualsThePackagesPreprocessGraph()
    {
        var files = Files();
        using var photo = Photo();
        var ours = new float[3 * 224 * 224];
        ResNet18Preprocessing.FromModel(files.Preprocess).Apply(photo, ours);

        var rgb = new DenseTensor<float>(new[] { 1, 3, 224, 224 });   // the graph's input: planar RGB, 0..255
        ImageResizer.ToPlanar(photo, rgb.Buffer.Span, bgr: false, [0f, 0f, 0f], 1f);
        var graph = ResNet18Preprocessing.RunGraph(files.Preprocess, rgb);

        double maxDiff = ours.Zip(graph).Max(p => Math.Abs(p.First - p.Second));
        Assert.That(maxDiff, Is.LessThan(1e-4), "same BGR order, same mean image");
        var mean = ResNet18Preprocessing.FromModel(files.Preprocess).Mean.ToArray();
        Assert.That(mean.Take(224 * 224).Average(), Is.EqualTo(103).Within(2), "blue plane first, Caffe-style mean");
    }

    [Test]
    public void BatchedFeaturesEqualTheShippedModelRunOnItsOwnPreprocessing()
    {
        var files = Files();
        using var photo = Photo();
        using var other = TestImages.Gradient(100, 80, seed: 9);
        using var encoder = ResNet18Encoder.Open(files, threads: 1, batch: 2);
        var features = new float[2 * 512];
        encoder.Prepare([photo, other], features);

        // Reference: the unmodified model (batch 1) fed by the package's preprocessing graph.
        using var original = new InferenceSession(files.Model);
        using var resized = ImageResizer.Square(other, 224);
        foreach (var (image, row) in new[] { (photo, 0), (resized, 1) })
        {
            var rgb = new DenseTensor<float>(new[] { 1, 3, 224, 224 });
            ImageResizer.ToPlanar(image, rgb.Buffer.Span, bgr: false, [0f, 0f, 0f], 1f);
            var prepared = ResNet18Preprocessing.RunGraph(files.Preprocess, rgb);
            var input = new DenseTensor<float>(prepared, new[] { 1, 3, 224, 224 });
            using var result = original.Run(new[] { NamedOnnxValue.CreateFromTensor("Input247", input) });
            var expected = result.First().AsTensor<float>().ToArray();
            var actual = features.AsSpan(row * 512, 512).ToArray();
            double maxDiff = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
            Assert.That(maxDiff, Is.LessThan(1e-3 * Math.Max(1, expected.Max(Math.Abs))), $"image {row}");
        }

        Assert.That(features.Any(v => v != 0), Is.True);
    }

    [Test]
    public void MissingFilesAreOneLineNamingThePackage()
    {
        var files = ResNet18Files.Locate(out string problem, _ => Path.Combine(Path.GetTempPath(), "no-resnet-here"));
        Assert.That(files, Is.Null);
        Assert.That(problem, Does.Contain(ResNet18Files.Package).And.Not.Contain("\n"));
    }
}
