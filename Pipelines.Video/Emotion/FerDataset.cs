using OpenCvSharp;
using Pipelines.Video.Faces;

namespace Pipelines.Video.Emotion;

/// <summary>
/// Reads a FER-2013-style folder: one sub-folder per emotion (angry, disgust, fear, happy,
/// neutral, sad, surprise) of grayscale face images. Images that are not the model's size are
/// resized; a file OpenCV cannot decode, or a JPEG cut short, is reported and skipped, never fatal.
/// Only the files directly in a class folder are read; folders inside one are listed in
/// <see cref="NestedFolders"/> for the caller to mention.
/// </summary>
public sealed class FerDataset
{
    private static readonly string[] ImageExtensions = { ".jpg", ".jpeg", ".png", ".bmp", ".pgm" };

    private FerDataset(IReadOnlyList<FaceSample> samples, IReadOnlyList<(string File, string Reason)> skipped,
        IReadOnlyList<string> otherFolders, IReadOnlyList<string> nestedFolders)
    {
        Samples = samples;
        SkippedFiles = skipped;
        Skipped = skipped.Select(f => $"{f.File}: {f.Reason}").ToArray();
        OtherFolders = otherFolders;
        NestedFolders = nestedFolders;
    }

    /// <summary>
    /// Folders inside the class folders (happy/2024/): their faces are not read, since a class
    /// is the folder a face lies directly in; a user who sorted faces further should hear of it.
    /// </summary>
    public IReadOnlyList<string> NestedFolders { get; }

    /// <summary>What the verbs say of each of <see cref="NestedFolders"/>, the same in each.</summary>
    public const string NestedFolderReason =
        "a folder inside a class folder, so its faces are not read (put them in the class folder itself)";

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
    /// <param name="checkFile">
    /// Asked of each image before OpenCV decodes it: why the file must not be decoded, or null. The
    /// CLI holds headers to the captioning size limits this way (OpenCV decodes up to a gigapixel,
    /// 3 GB of BGR, and this library cannot reference the image library that reads headers).
    /// A refused file is skipped like one that cannot be decoded.
    /// </param>
    /// <exception cref="DirectoryNotFoundException">No such folder, or it has no class sub-folder.</exception>
    /// <example><c>FerDataset.Load("fer2013/test", 48, checkFile: f => f.Length > 200 ? "long" : null)</c></example>
    public static FerDataset Load(string root, int size = 48, int limitPerClass = 0,
        Func<string, string?>? checkFile = null)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"data folder '{root}' does not exist");
        }

        var samples = new List<FaceSample>();
        var skipped = new List<(string File, string Reason)>();
        var nested = new List<string>();
        int classesFound = 0;
        for (int label = 0; label < EmotionLabels.Count; label++)
        {
            string dir = Path.Combine(root, EmotionLabels.All[label]);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            classesFound++;
            nested.AddRange(Directory.GetDirectories(dir).Order(StringComparer.Ordinal));
            var files = Directory.EnumerateFiles(dir)
                .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal).ToList();
            if (limitPerClass > 0)
            {
                files = files.Take(limitPerClass).ToList();
            }

            foreach (string file in files)
            {
                if (TryRead(file, size, out var pixels, out string? reason, checkFile))
                {
                    samples.Add(new FaceSample(pixels, label, file));
                }
                else
                {
                    skipped.Add((file, reason!));
                }
            }
        }

        var others = Directory.GetDirectories(root)
            .Where(d => !EmotionLabels.All.Contains(Path.GetFileName(d), StringComparer.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();
        if (classesFound == 0)
        {
            // "Happy/" and "SAD/" are the likeliest near misses: say what the names must be.
            string cased = string.Join(", ", others.Select(d => EmotionLabels.IndexOf(Path.GetFileName(d)))
                .Where(i => i >= 0).Distinct().Order().Select(i => EmotionLabels.All[i]));
            throw new DirectoryNotFoundException(
                $"data folder '{root}' has none of the class folders {string.Join(", ", EmotionLabels.All)}" +
                (cased.Length > 0 ? $" (class names are lower case: {cased})" : ""));
        }

        return new FerDataset(samples, skipped, others, nested);
    }

    /// <summary>
    /// Why a folder of <see cref="OtherFolders"/> is not read, as a hint for the user: a folder that
    /// differs from a class only by case ("Happy") is told the lower-case name, any other the list.
    /// </summary>
    /// <example><c>NotAClassHint("data/Happy")</c> is "class names are lower case: happy".</example>
    public static string NotAClassHint(string folder)
    {
        int label = EmotionLabels.IndexOf(Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)));
        return label >= 0
            ? $"class names are lower case: {EmotionLabels.All[label]}"
            : $"the classes are {string.Join(", ", EmotionLabels.All)}";
    }

    /// <summary>Reads one image as size x size grayscale bytes.</summary>
    /// <param name="file">The image.</param>
    /// <param name="size">Side the face is resized to.</param>
    /// <param name="pixels">The face, row by row; empty when it cannot be read.</param>
    /// <param name="reason">Why it cannot be read; null when it was.</param>
    /// <param name="checkFile">As in <see cref="Load"/>; asked once the file is known to be a regular one.</param>
    public static bool TryRead(string file, int size, out byte[] pixels, out string? reason,
        Func<string, string?>? checkFile = null)
    {
        pixels = Array.Empty<byte>();
        reason = null;
        // The kind of file first: a check that opens a named pipe would wait for ever.
        if ((EmotionMedia.TruncatedJpeg(file) ?? checkFile?.Invoke(file)) is { } refused)
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
            reason = EmotionMedia.DecodeFailure(e);
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
