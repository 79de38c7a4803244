using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Commands.Emotion;
using Multimodal.Cli.Tests.Commands.Video;
using Multimodal.Cli.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Multimodal.Cli.Tests.Commands;

/// <summary>
/// <c>--resume</c> into a folder that another <c>train</c> verb wrote: the error says which kind of
/// training made the checkpoint. It used to be whatever part of the other run differed first: a
/// setting both verbs share ("--hidden is 8 in the checkpoint, 16 now") or a list of weights.
/// </summary>
[TestFixture]
public sealed class ResumeCheckTests
{
    private TempFolder temp = null!;

    [SetUp]
    public void SetUp() => temp = new TempFolder();

    [TearDown]
    public void TearDown() => temp.Dispose();

    [Test]
    public void A_speech_run_resumed_by_train_caption_says_it_is_a_speech_training()
    {
        string output = Path.Combine(temp.Path, "model");
        string audio = temp.Sub("audio");
        string manifest = Path.Combine(temp.Path, "train.tsv");
        string[] clips = ["0_george_1", "1_george_1", "2_george_1"];
        foreach (string clip in clips)
        {
            SpeechFiles.CopyClip(clip, audio);
        }

        File.WriteAllLines(manifest, clips.Select((c, i) => $"audio/{c}.wav\t{new[] { "zero", "one", "two" }[i]}"));
        var speech = CliRun.Invoke(["train", "speech", "--manifest", manifest, "--out", output, "--epochs", "1",
            "--hidden", "8", "--layers", "1", "--batch", "2", "--sample-rate", "8000", "--valid-fraction", "0"]);
        Assert.That(speech.ExitCode, Is.EqualTo(ExitCodes.Success), speech.Error);

        string images = temp.Sub("images");
        foreach (string name in new[] { "a.png", "b.png" })
        {
            using var image = new Image<Rgb24>(16, 16, new Rgb24(200, 30, 30));
            image.Save(Path.Combine(images, name));
        }

        string captions = Path.Combine(temp.Path, "captions.tsv");
        File.WriteAllLines(captions,
            ["image\tsplit\tcaption", "a.png\ttrain\ta red picture", "b.png\ttrain\ta red one"]);
        var caption = CliRun.Invoke(["train", "caption", "--images", images, "--captions", captions, "--out", output,
            "--encoder", "small-cnn", "--image-size", "16", "--cnn-channels", "8", "--hidden", "8", "--epochs", "1",
            "--valid-images", "0", "--resume"]);

        Assert.That(caption.ExitCode, Is.EqualTo(ExitCodes.Failure), caption.Out);
        Assert.That(caption.Error.Trim().Split('\n'), Has.Length.EqualTo(1), caption.Error);
        string checkpoint = Path.Combine(output, "checkpoints", "checkpoint-0000000002.safetensors");
        Assert.That(caption.Error.Trim(), Is.EqualTo($"error: {checkpoint}: cannot resume: this checkpoint is from " +
            "a speech training, not a caption training; continue it with the training that wrote it, or train this " +
            "one in another folder"));
        Assert.That(caption.Out, Does.Not.Contain("features:"), "refused before any image is encoded");
    }

    [Test]
    public void A_video_predict_run_resumed_by_train_emotion_and_back_names_each_kind()
    {
        string predictor = Path.Combine(temp.Path, "predictor");
        var video = CliRun.Invoke(["train", "video-predict", "--out", predictor, "--mnist", VideoFiles.Mnist,
            "--batches", "2", "--batch", "1", "--hidden", "4", "--patch", "16", "--epochs", "1"]);
        Assert.That(video.ExitCode, Is.EqualTo(ExitCodes.Success), video.Error);
        string faces = EmotionCliFiles.FerFolder(temp.Sub("faces"), perClass: 4);
        string emotion = Path.Combine(temp.Path, "emotion");
        var emotionRun = CliRun.Invoke(["train", "emotion", "--data", faces, "--out", emotion, "--batch", "8",
            "--valid-every", "4", "--epochs", "1"]);
        Assert.That(emotionRun.ExitCode, Is.EqualTo(ExitCodes.Success), emotionRun.Error);

        var intoPredictor = CliRun.Invoke(["train", "emotion", "--data", faces, "--out", predictor, "--batch", "8",
            "--valid-every", "4", "--epochs", "2", "--resume"]);
        var intoEmotion = CliRun.Invoke(["train", "video-predict", "--out", emotion, "--mnist", VideoFiles.Mnist,
            "--batches", "2", "--batch", "1", "--hidden", "4", "--patch", "16", "--epochs", "2", "--resume"]);

        Assert.That(intoPredictor.ExitCode, Is.EqualTo(ExitCodes.Failure), intoPredictor.Out);
        Assert.That(intoPredictor.Error.Trim(), Does.StartWith($"error: {Path.Combine(predictor, "checkpoints")}")
            .And.Contain(": cannot resume: this checkpoint is from a video-predict training, not an emotion " +
                "training;"));
        Assert.That(intoPredictor.Error.Trim().Split('\n'), Has.Length.EqualTo(1), intoPredictor.Error);
        Assert.That(intoEmotion.ExitCode, Is.EqualTo(ExitCodes.Failure), intoEmotion.Out);
        Assert.That(intoEmotion.Error.Trim(), Does.StartWith($"error: {Path.Combine(emotion, "checkpoints")}")
            .And.Contain(": cannot resume: this checkpoint is from an emotion training, not a video-predict " +
                "training;"));
        Assert.That(intoEmotion.Error.Trim().Split('\n'), Has.Length.EqualTo(1), intoEmotion.Error);
    }
}
