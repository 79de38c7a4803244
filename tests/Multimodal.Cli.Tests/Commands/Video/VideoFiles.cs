using Multimodal.Cli.Models;
using OpenCvSharp;
using Pipelines.Video.Decoding;
using Pipelines.Video.Prediction;
using Rnn.Core;

namespace Multimodal.Cli.Tests.Commands.Video;

/// <summary>Clips and small models for the video verb tests.</summary>
internal static class VideoFiles
{
    public static string RepositoryRoot =>
        ModelsFolder.RepositoryRoot(TestContext.CurrentContext.TestDirectory)
        ?? throw new InvalidOperationException("the tests run inside the repository");

    /// <summary>The committed example: 40 frames, H.264 in MP4, 128x128, 10 fps.</summary>
    public static string ExampleClip => Path.Combine(RepositoryRoot, "examples", "video", "moving-digits.mp4");

    /// <summary>The MNIST test images from the shared data folder above the repository.</summary>
    public static string Mnist
    {
        get
        {
            for (var dir = new DirectoryInfo(RepositoryRoot); dir is not null; dir = dir.Parent)
            {
                string path = Path.Combine(dir.FullName, "shared", "data", "mnist", "t10k-images-idx3-ubyte.gz");
                if (File.Exists(path))
                {
                    return path;
                }
            }

            throw new FileNotFoundException("shared/data/mnist not found above the repository");
        }
    }

    /// <summary>An untrained 64x64 predictor (4x4 grid of 16-pixel patches, 4 filters): fast, real.</summary>
    public static string TinyModel(string folder)
    {
        var config = new PredictorConfig { Patch = 16, Hidden = new[] { 4 } };
        PredictorDirectory.Save(folder, new ConvLstmPredictor(config, new Rng(1)));
        return folder;
    }

    /// <summary>Writes a clip with OpenCV: a bright square moving right on gray.</summary>
    public static string Clip(string path, string fourcc, int frames, int width, int height)
    {
        OpenCvRuntime.EnsureLoaded();
        using var writer = new VideoWriter(path, FourCC.FromString(fourcc), 10, new Size(width, height), true);
        for (int n = 0; n < frames; n++)
        {
            using var frame = new Mat(height, width, MatType.CV_8UC3, new OpenCvSharp.Scalar(40, 40, 40));
            Cv2.Rectangle(frame, new Rect(n * 2 % (width - 8), height / 3, 8, 8), OpenCvSharp.Scalar.White, -1);
            writer.Write(frame);
        }

        return path;
    }
}
