using OpenCvSharp;
using Pipelines.Video.Emotion;
using Rnn.Core;
using Scalar = OpenCvSharp.Scalar;

namespace Multimodal.Cli.Tests.Commands.Emotion;

/// <summary>
/// Inputs for the emotion verbs' tests: a small untrained model, labelled face folders, and
/// clips made at test time from real FER-2013 faces (shared data, never committed).
/// </summary>
internal static class EmotionCliFiles
{
    public static string SharedData
    {
        get
        {
            var start = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            for (var dir = start; dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "data");
                if (Directory.Exists(Path.Combine(candidate, "fer2013")))
                {
                    return candidate;
                }
            }

            return Directory.Exists("/work/shared/data/fer2013")
                ? "/work/shared/data"
                : throw new InconclusiveException("shared/data/fer2013 not found");
        }
    }

    public static string Cascade => Path.Combine(SharedData, "cascades", "haarcascade_frontalface_default.xml");

    public static EmotionNetOptions TinyNet => new()
    {
        ImageSize = 16,
        StageChannels = new[] { 4, 8 },
        StageConvs = new[] { 1, 1 },
        LstmFilters = 4,
        HeadHidden = 8,
    };

    /// <summary>Saves an untrained tiny model to FOLDER/model and returns its path.</summary>
    public static string TinyModel(string folder)
    {
        string dir = Path.Combine(folder, "model");
        new EmotionModel(new EmotionNet(TinyNet, new Rng(2))).Save(dir);
        return dir;
    }

    /// <summary>
    /// Copies the first <paramref name="perClass"/> FER test faces of each class to ROOT/&lt;class&gt;/.
    /// </summary>
    public static string FerFolder(string root, int perClass)
    {
        foreach (string label in EmotionLabels.All)
        {
            string dir = Directory.CreateDirectory(Path.Combine(root, label)).FullName;
            foreach (string f in Directory.GetFiles(Path.Combine(SharedData, "fer2013", "test", label))
                .Order(StringComparer.Ordinal).Take(perClass))
            {
                File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            }
        }

        return root;
    }

    /// <summary>The first happy FER test face the cascade finds when pasted at 240x240 (most are found).</summary>
    public static string DetectableFace()
    {
        using var detector = new Pipelines.Video.Faces.HaarFaceDetector(Cascade);
        var happy = Directory.GetFiles(Path.Combine(SharedData, "fer2013", "test", "happy"));
        foreach (string f in happy.Order(StringComparer.Ordinal))
        {
            using var gray = new Mat(360, 480, MatType.CV_8UC1, new Scalar(90));
            using var src = Cv2.ImRead(f, ImreadModes.Grayscale);
            using var roi = new Mat(gray, new Rect(100, 60, 240, 240));
            Cv2.Resize(src, roi, new Size(240, 240), 0, 0, InterpolationFlags.Cubic);
            if (detector.Detect(gray).Count == 1)
            {
                return f;
            }
        }

        throw new InconclusiveException("no happy FER test face is found by the cascade");
    }

    /// <summary>
    /// Writes an MP4 (mp4v) of <paramref name="frames"/> frames at 10 fps: a real FER face the
    /// cascade finds, pasted large on a gray background and sliding right; or no face at all.
    /// </summary>
    public static string Clip(string path, int frames, bool withFace = true)
    {
        string face = DetectableFace();
        using var writer = new VideoWriter(path, FourCC.MP4V, 10, new Size(480, 360), isColor: true);
        using var src = Cv2.ImRead(face, ImreadModes.Grayscale);
        using var big = new Mat();
        Cv2.Resize(src, big, new Size(240, 240), 0, 0, InterpolationFlags.Cubic);
        for (int i = 0; i < frames; i++)
        {
            using var gray = new Mat(360, 480, MatType.CV_8UC1, new Scalar(90));
            if (withFace)
            {
                using var roi = new Mat(gray, new Rect(100 + 4 * i, 60, 240, 240));
                big.CopyTo(roi);
            }

            using var bgr = new Mat();
            Cv2.CvtColor(gray, bgr, ColorConversionCodes.GRAY2BGR);
            writer.Write(bgr);
        }

        return path;
    }
}
