using Pipelines.Video.Emotion;

namespace Pipelines.Video.Tests.Emotion;

[TestFixture]
public sealed class FerDatasetTests
{
    [Test]
    public void Reads_real_fer_faces_by_class_folder()
    {
        string root = Path.Combine(EmotionTestData.SharedData, "fer2013", "test");

        var data = FerDataset.Load(root, 48, limitPerClass: 3);

        Assert.That(data.Samples, Has.Count.EqualTo(21));
        Assert.That(data.ClassCounts(), Is.All.EqualTo(3));
        Assert.That(data.Samples.All(s => s.Pixels.Length == 2304), Is.True);
        Assert.That(data.Samples[3].Path, Does.Contain("disgust"));
        Assert.That(data.Skipped, Is.Empty);
    }

    [Test]
    public void A_corrupt_file_is_skipped_with_its_name_and_reason_and_sizes_are_normalised()
    {
        using var temp = new TempDir();
        TinyEmotion.WriteFolder(temp.Path, classes: 2, perClass: 2, side: 30);
        // Ends with the EOI marker, so it reaches the decoder (a cut file is refused before it).
        File.WriteAllBytes(Path.Combine(temp.Path, "angry", "broken.jpg"),
            new byte[] { 0xFF, 0xD8, 0xFF, 0x00, 1, 2, 0xFF, 0xD9 });
        File.WriteAllText(Path.Combine(temp.Path, "angry", "notes.txt"), "not an image and not read");

        var data = FerDataset.Load(temp.Path, 16);

        Assert.That(data.Samples, Has.Count.EqualTo(4));
        Assert.That(data.Samples.All(s => s.Pixels.Length == 256), Is.True);
        Assert.That(data.Skipped, Has.Count.EqualTo(1));
        Assert.That(data.Skipped[0], Does.Contain("broken.jpg").And.Contain("decode"));
    }

    [Test]
    public void A_truncated_jpeg_is_skipped_as_truncated_not_learnt_with_its_missing_rows()
    {
        using var temp = new TempDir();
        TinyEmotion.WriteFolder(temp.Path, classes: 2, perClass: 2, side: 30);
        byte[] jpeg = EmotionMediaTests.NoisyJpeg();
        File.WriteAllBytes(Path.Combine(temp.Path, "angry", "cut.jpg"), jpeg[..(jpeg.Length / 2)]);

        var data = FerDataset.Load(temp.Path, 16);

        Assert.That(data.Samples, Has.Count.EqualTo(4));
        Assert.That(data.SkippedFiles, Has.Count.EqualTo(1));
        Assert.That(data.SkippedFiles[0].File, Does.EndWith("cut.jpg"));
        Assert.That(data.SkippedFiles[0].Reason, Does.StartWith("truncated JPEG: the end-of-image marker is missing"));
    }

    // The CLI holds image headers to the captioning size limits this way: a refused file must be
    // skipped with the check's reason before OpenCV decodes it (a 400-megapixel PNG took ~477 MB).
    [Test]
    public void A_file_the_check_refuses_is_skipped_with_its_reason_and_never_decoded()
    {
        using var temp = new TempDir();
        TinyEmotion.WriteFolder(temp.Path, classes: 2, perClass: 2, side: 30);
        string refused = Path.Combine(temp.Path, "angry", "001.png");
        var asked = new List<string>();

        var data = FerDataset.Load(temp.Path, 16, checkFile: file =>
        {
            asked.Add(file);
            return file == refused ? "too many pixels" : null;
        });

        Assert.That(asked, Has.Count.EqualTo(4), "each image is asked about once");
        Assert.That(data.Samples.Select(s => s.Path), Has.No.Member(refused));
        Assert.That(data.Samples, Has.Count.EqualTo(3));
        Assert.That(data.SkippedFiles, Is.EqualTo(new[] { (refused, "too many pixels") }));
    }

    // Faces sorted one level deeper (happy/2024/) were ignored without a word; the folders are
    // listed for the verbs to name, their faces are still not read.
    [Test]
    public void Folders_inside_class_folders_are_listed_and_their_faces_not_read()
    {
        using var temp = new TempDir();
        TinyEmotion.WriteFolder(temp.Path, classes: 2, perClass: 2, side: 16);
        string nested = Directory.CreateDirectory(Path.Combine(temp.Path, "angry", "more")).FullName;
        File.Copy(Path.Combine(temp.Path, "angry", "000.png"), Path.Combine(nested, "000.png"));

        var data = FerDataset.Load(temp.Path, 16);

        Assert.That(data.NestedFolders, Is.EqualTo(new[] { nested }));
        Assert.That(data.Samples, Has.Count.EqualTo(4));
        Assert.That(data.OtherFolders, Is.Empty);
    }

    // "Happy/" differs from a class by case only: the hint names the lower-case class rather than
    // listing all seven, both for one such folder among classes and when it is all there is.
    [Test]
    public void A_folder_named_like_a_class_in_other_case_is_told_the_lower_case_name()
    {
        using var temp = new TempDir();
        string upper = Directory.CreateDirectory(Path.Combine(temp.Path, "Happy")).FullName;

        Assert.That(() => FerDataset.Load(temp.Path), Throws.TypeOf<DirectoryNotFoundException>()
            .With.Message.EndsWith("(class names are lower case: happy)"));

        TinyEmotion.WriteFolder(temp.Path, classes: 1, perClass: 1, side: 16);
        string other = Directory.CreateDirectory(Path.Combine(temp.Path, "contempt")).FullName;
        var data = FerDataset.Load(temp.Path, 16);

        Assert.That(data.OtherFolders, Is.EqualTo(new[] { upper, other }));
        Assert.That(FerDataset.NotAClassHint(upper), Is.EqualTo("class names are lower case: happy"));
        Assert.That(FerDataset.NotAClassHint(other),
            Is.EqualTo("the classes are angry, disgust, fear, happy, neutral, sad, surprise"));
    }

    [Test]
    public void A_folder_without_class_folders_is_a_clear_error()
    {
        using var temp = new TempDir();

        Assert.That(() => FerDataset.Load(temp.Path), Throws.TypeOf<DirectoryNotFoundException>()
            .With.Message.Contains(temp.Path).And.Message.Contains("angry"));
        Assert.That(() => FerDataset.Load(Path.Combine(temp.Path, "none")),
            Throws.TypeOf<DirectoryNotFoundException>().With.Message.Contains("does not exist"));
    }

    [Test]
    public void Split_is_stratified_disjoint_and_seeded()
    {
        var faces = Enumerable.Range(0, 100).Select(i => new FaceSample(new byte[1], i < 80 ? 0 : 1, $"f{i}")).ToList();

        var (train, valid) = FerDataset.Split(faces, 10, seed: 3);
        var (train2, _) = FerDataset.Split(faces, 10, seed: 3);

        Assert.That(valid.Count(f => f.Label == 0), Is.EqualTo(8));
        Assert.That(valid.Count(f => f.Label == 1), Is.EqualTo(2));
        Assert.That(train.Select(f => f.Path).Intersect(valid.Select(f => f.Path)), Is.Empty);
        Assert.That(train.Count + valid.Count, Is.EqualTo(100));
        Assert.That(train2.Select(f => f.Path), Is.EqualTo(train.Select(f => f.Path)));
    }
}
