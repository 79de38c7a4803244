using OpenCvSharp;
using Pipelines.Video.Faces;

namespace Pipelines.Video.Emotion;

/// <summary>
/// Reads a FER-2013-style folder: one sub-folder per emotion (angry, disgust, fear, happy,
/// neutral, sad, surprise) of grayscale face images. Images that are not the model's size are
/// resized; a file OpenCV cannot decode, or a JPEG cut short, is reported and skipped, never fatal.
/// </summary>
public sealed class FerDataset
{
    private static readonly string[] ImageExtensions = { ".jpg", ".jpeg", ".png", ".bmp", ".pgm" };

    private FerDataset(IReadOnlyList<FaceSample> samples, IReadOnlyList<(string File, string Reason)> skipped,
        IReadOnlyList<string> otherFolders)
    {
        Samples = samples;
        SkippedFiles = skipped;
        Skipped = skipped.Select(f => $"{f.File}: {f.Reason}").ToArray();
        OtherFolders = otherFolders;
    }

    /// <summary>
    /// Sub-folders of the data folder that are no class (a "contempt" folder, a typo like
    /// "happpy"): their faces are not read, which a user should hear of.
    /// </summary>
    public IReadOnlyList<string> OtherFolders { get; }

    /// <summary>Every readable face, ordered by class then file name (deterministic).</summary>
    public IReadOnlyList<FaceSample> Samples { get; }

    /// <summary>One line per file that could not be read: "path: reason".</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>The files that could not be read and why, in the order they were met.</summary>
    public IReadOnlyList<(string File, string Reason)> SkippedFiles { get; }

    /// <summary>Faces per class, by class index.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[EmotionLabels.Count];
        foreach (var s in Samples)
        {
            counts[s.Label]++;
        }

        return counts;
    }

    /// <summary>Loads the folder.</summary>
    /// <param name="root">The folder holding one sub-folder per class.</param>
    /// <param name="size">Side the faces are resized to.</param>
    /// <param name="limitPerClass">Read at most this many files per class (0: all), for quick runs.</param>
    /// <exception cref="DirectoryNotFoundException">No such folder, or it has no class sub-folder.</exception>
    public static FerDataset Load(string root, int size = 48, int limitPerClass = 0)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"data folder '{root}' does not exist");
        }

        var samples = new List<FaceSample>();
        var skipped = new List<(string File, string Reason)>();
        int classesFound = 0;
        for (int label = 0; label < EmotionLabels.Count; label++)
        {
            string dir = Path.Combine(root, EmotionLabels.All[label]);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            classesFound++;
            var files = Directory.EnumerateFiles(dir)
                .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal).ToList();
            if (limitPerClass > 0)
            {
                files = files.Take(limitPerClass).ToList();
            }

            foreach (string file in files)
            {
                if (TryRead(file, size, out var pixels, out string? reason))
                {
                    samples.Add(new FaceSample(pixels, label, file));
                }
                else
                {
                    skipped.Add((file, reason!));
                }
            }
        }

        if (classesFound == 0)
        {
            throw new DirectoryNotFoundException(
                $"data folder '{root}' has none of the class folders {string.Join(", ", EmotionLabels.All)}");
        }

        var others = Directory.GetDirectories(root)
            .Where(d => !EmotionLabels.All.Contains(Path.GetFileName(d), StringComparer.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();
        return new FerDataset(samples, skipped, others);
    }

    /// <summary>Reads one image as size x size grayscale bytes.</summary>
    public static bool TryRead(string file, int size, out byte[] pixels, out string? reason)
    {
        pixels = Array.Empty<byte>();
        reason = null;
        if (EmotionMedia.TruncatedJpeg(file) is { } refused)
        {
            reason = refused;
            return false;
        }

        try
        {
            using var gray = Cv2.ImRead(file, ImreadModes.Grayscale);
            if (gray.Empty())
            {
                reason = "not an image OpenCV can decode (empty, truncated or another format)";
                return false;
            }

            pixels = FaceCrop.ToSquareBytes(gray, size);
            return true;
        }
        catch (OpenCVException e)
        {
            reason = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Splits samples into train and validation parts, stratified by class: every
    /// <paramref name="everyNth"/>-th face of each class (in a seeded shuffled order) validates.
    /// </summary>
    public static (List<FaceSample> Train, List<FaceSample> Validation) Split(
        IReadOnlyList<FaceSample> samples, int everyNth, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(everyNth, 2);
        var train = new List<FaceSample>();
        var validation = new List<FaceSample>();
        foreach (var group in samples.GroupBy(s => s.Label).OrderBy(g => g.Key))
        {
            var items = group.ToArray();
            new Rnn.Core.Rng(seed + (ulong)group.Key).Shuffle(items.AsSpan());
            for (int i = 0; i < items.Length; i++)
            {
                (i % everyNth == 0 ? validation : train).Add(items[i]);
            }
        }

        return (train, validation);
    }
}
