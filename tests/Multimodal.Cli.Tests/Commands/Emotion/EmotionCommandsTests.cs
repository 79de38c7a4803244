using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Multimodal.Cli.Commands;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Commands.Video;
using Multimodal.Cli.Tests.Support;
using Pipelines.Video.Emotion;

namespace Multimodal.Cli.Tests.Commands.Emotion;

/// <summary><c>train emotion</c>, <c>eval emotion</c> and <c>video emotion</c> end to end, in-process.</summary>
[TestFixture]
public sealed class EmotionCommandsTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    // A real 48x48 face of the shared FER-2013 test set, the same one every time.
    private static string FirstSadFace() =>
        Directory.GetFiles(Path.Combine(EmotionCliFiles.SharedData, "fer2013", "test", "sad"))
            .Order(StringComparer.Ordinal).First();

    [Test]
    public void Eval_json_has_accuracy_recall_and_a_confusion_matrix_that_counts_every_face()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string data = EmotionCliFiles.FerFolder(_temp.Sub("test"), perClass: 2);
        // A folder of faces under a name that is no class: not scored, and said (train emotion says it too).
        string other = Directory.CreateDirectory(Path.Combine(data, "HAPPY")).FullName;
        File.Copy(Directory.GetFiles(Path.Combine(data, "happy"))[0], Path.Combine(other, "face.jpg"));

        var run = CliRun.Invoke(["eval", "emotion", "--model", model, "--data", data, "--json"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Error, Does.Contain("warning: ").And.Contain("HAPPY: not a class folder, so not scored"));
        var json = JsonNode.Parse(run.Out)!.AsObject();
        Assert.That((int)json["faces"]!, Is.EqualTo(14));
        var confusion = json["confusion"]!.AsArray();
        Assert.That(confusion, Has.Count.EqualTo(7));
        Assert.That(confusion.Sum(row => row!.AsArray().Sum(v => (int)v!)), Is.EqualTo(14));
        double diagonal = Enumerable.Range(0, 7).Sum(i => (int)confusion[i]![i]!);
        Assert.That((double)json["accuracy"]!, Is.EqualTo(diagonal / 14).Within(1e-12));
        Assert.That(json["recall"]!.AsObject().Select(p => p.Key), Is.EqualTo(EmotionLabels.All));
    }

    [Test]
    public void Eval_scores_the_validation_part_of_a_train_folder_with_the_chosen_views()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string data = EmotionCliFiles.FerFolder(_temp.Sub("train"), perClass: 4);

        var held = CliRun.Invoke(["eval", "emotion", "--model", model, "--data", data, "--validation-every", "4",
            "--shift", "0", "--json"]);
        var all = CliRun.Invoke(["eval", "emotion", "--model", model, "--data", data, "--json"]);
        var one = CliRun.Invoke(["eval", "emotion", "--model", model, "--data", data, "--validation-every", "1"]);
        var wide = CliRun.Invoke(["eval", "emotion", "--model", model, "--data", data, "--shift", "9"]);
        var limited = CliRun.Invoke(["eval", "emotion", "--model", model, "--data", data, "--limit-per-class", "2",
            "--json"]);

        Assert.That(held.ExitCode, Is.EqualTo(ExitCodes.Success), held.Error);
        var json = JsonNode.Parse(held.Out)!.AsObject();
        Assert.That((int)json["faces"]!, Is.EqualTo(7), "one face in four of each class, as train emotion holds out");
        Assert.That((int)json["shift"]!, Is.EqualTo(0));
        Assert.That((int)JsonNode.Parse(all.Out)!["faces"]!, Is.EqualTo(28));
        Assert.That((int)JsonNode.Parse(all.Out)!["shift"]!, Is.EqualTo(2), "the default views are video emotion's");
        Assert.That(one.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That((int)JsonNode.Parse(limited.Out)!["faces"]!, Is.EqualTo(14), "at most 2 faces per class read");
        Assert.That(wide.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(wide.Error.Trim(), Does.StartWith("error: --shift: must be below 8"));
    }

    [Test]
    public void Eval_text_prints_the_table_and_a_missing_folder_is_one_error_line()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string data = EmotionCliFiles.FerFolder(_temp.Sub("test"), perClass: 1);
        string missing = Path.Combine(_temp.Path, "nope");

        var ok = CliRun.Invoke(["eval", "emotion", "--model", model, "--data", data]);
        var bad = CliRun.Invoke(["eval", "emotion", "--model", model, "--data", missing]);

        Assert.That(ok.Out, Does.Contain("accuracy").And.Contain("true \\ predicted").And.Contain("surprise"));
        Assert.That(bad.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(bad.Error.Trim(), Is.EqualTo($"error: {missing}: does not exist"));
    }

    [Test]
    public void Eval_and_train_with_a_file_for_data_is_a_usage_error_that_names_the_file()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string file = Path.Combine(_temp.Path, "faces.csv");
        File.WriteAllText(file, "emotion,pixels\n");

        var eval = CliRun.Invoke(["eval", "emotion", "--model", model, "--data", file]);
        var train = CliRun.Invoke(["train", "emotion", "--data", file, "--out", Path.Combine(_temp.Path, "out")]);

        foreach (var run in new[] { eval, train })
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.Error);
            string first = run.Error.Split('\n')[0].Trim();
            Assert.That(first, Is.EqualTo($"error: --data: '{file}' is a file, not a folder"));
            Assert.That(run.Error, Does.Not.Contain("does not exist"));
        }
    }

    // Found by a new-user trial: --out equal to --data or inside it put the model among the class
    // folders, and the run could never be resumed (the data folder's listing had changed).
    [Test]
    public void Train_refuses_an_out_folder_inside_the_data_folder_before_any_work()
    {
        string data = EmotionCliFiles.FerFolder(_temp.Sub("faces"), perClass: 2);
        foreach (string output in new[] { data, Path.Combine(data, "happy"), Path.Combine(data, "new-model") })
        {
            var run = CliRun.Invoke(["train", "emotion", "--data", data, "--out", output, "--epochs", "1"]);

            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
            Assert.That(run.Error.Trim(), Is.EqualTo($"error: {output}: lies inside the data folder {data}: the " +
                "model and its checkpoints would be listed with the faces; give an --out outside it"));
        }

        Assert.That(Directory.Exists(Path.Combine(data, "new-model")), Is.False);
        Assert.That(Directory.Exists(Path.Combine(data, "checkpoints")), Is.False);
    }

    // As in the other train verbs: --resume continues, a rerun with --force starts over, and a plain
    // rerun into the same folder is refused. (train emotion resumed by default and took --restart before.)
    [Test]
    public void Train_writes_a_model_directory_that_resume_continues_and_a_forced_rerun_starts_over()
    {
        string data = EmotionCliFiles.FerFolder(_temp.Sub("train"), perClass: 4);
        string output = Path.Combine(_temp.Path, "out");
        string[] args = ["train", "emotion", "--data", data, "--out", output, "--batch", "8", "--valid-every", "4"];

        var first = CliRun.Invoke([.. args, "--epochs", "1"]);
        var reseeded = CliRun.Invoke([.. args, "--epochs", "2", "--resume", "--lr", "0.001"]);
        string otherData = EmotionCliFiles.FerFolder(_temp.Sub("other"), perClass: 5);
        var otherFaces = CliRun.Invoke([.. args.Select(a => a == data ? otherData : a), "--epochs", "2", "--resume"]);
        var resumed = CliRun.Invoke([.. args, "--epochs", "2", "--resume"]);
        var refused = CliRun.Invoke([.. args, "--epochs", "1"]);
        var again = CliRun.Invoke([.. args, "--epochs", "1", "--force"]);
        var restart = CliRun.Invoke([.. args, "--epochs", "1", "--restart"]);
        string elsewhere = Path.Combine(_temp.Path, "new");
        var nothing = CliRun.Invoke(["train", "emotion", "--data", data, "--out", elsewhere, "--batch", "8",
            "--valid-every", "4", "--epochs", "1", "--resume"]);

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.Error);
        Assert.That(first.Out, Does.Contain("epoch 1/1").And.Contain("valid accuracy"));
        // Each epoch's validation figures once (the progress line), not also as the trainer's log line.
        Assert.That(first.Out.Split('\n').Count(l => l.Contains("mean recall", StringComparison.Ordinal)),
            Is.EqualTo(1), first.Out);
        // The first epoch is always the best so far: said on its own line, not on one before it.
        Assert.That(first.Out.Split('\n').Single(l => l.Contains("mean recall", StringComparison.Ordinal)),
            Does.EndWith("; saved as the best so far"), first.Out);
        Assert.That(first.Out, Does.Not.Contain("(best validation accuracy so far)"));
        Assert.That(File.Exists(Path.Combine(output, "config.json")), Is.True);
        Assert.That(reseeded.ExitCode, Is.EqualTo(ExitCodes.Failure), reseeded.Out);
        Assert.That(reseeded.Error, Does.Contain(": cannot resume: ")
            .And.Contain("--lr is 0.002 in the checkpoint, 0.001 now"));
        // Other faces would pick "the best" weights by validation on another set: refused by the listing.
        Assert.That(otherFaces.ExitCode, Is.EqualTo(ExitCodes.Failure), otherFaces.Out);
        Assert.That(otherFaces.Error, Does.Contain("the data folder's listing is listing:"));
        Assert.That(resumed.ExitCode, Is.EqualTo(ExitCodes.Success), resumed.Error);
        Assert.That(resumed.Out, Does.Contain("resuming from").And.Contain("epoch 2/2"));
        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.Failure), refused.Out);
        Assert.That(refused.Error, Does.Contain($"{output}: already holds a model: --force replaces it"));
        Assert.That(refused.Out, Does.Not.Contain("epoch 1/1"));
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), again.Error);
        Assert.That(again.Out, Does.Not.Contain("resuming from").And.Contain("epoch 1/1"));
        // The 2-epoch run's later checkpoints are gone, so a --resume now continues this run, not that one.
        Assert.That(again.Out, Does.Contain($"starting over: removed 2 checkpoints of an earlier run from " +
            $"{Path.Combine(output, "checkpoints")}"));
        string[] left = Directory.GetFiles(Path.Combine(output, "checkpoints"), "checkpoint-*")
            .Select(Path.GetFileName).ToArray()!;
        Assert.That(left, Has.Length.EqualTo(1), string.Join(", ", left));
        Assert.That(restart.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(restart.Error, Does.StartWith("error: ").And.Contain("'--restart'"));
        Assert.That(nothing.ExitCode, Is.EqualTo(ExitCodes.Success), nothing.Error);
        // Said before the first epoch, not only at the end of a run that may take hours.
        string notice = $"no checkpoint in {Path.Combine(elsewhere, "checkpoints")}; training from scratch";
        Assert.That(nothing.Out, Does.Contain(notice));
        Assert.That(nothing.Out.IndexOf(notice, StringComparison.Ordinal),
            Is.LessThan(nothing.Out.IndexOf("epoch 1/", StringComparison.Ordinal)), nothing.Out);
        Assert.That(EmotionModel.Load(output).Labels, Is.EqualTo(EmotionLabels.All));
    }

    // Found by a kill-and-resume trial: a resume with another --lr was refused only after every face
    // had been read, and against the data folder, as if the faces were at fault:
    // "error: DATA: OUT/checkpoints: cannot resume: --lr is ...".
    [Test]
    public void A_resume_with_another_setting_is_refused_against_the_checkpoints_before_any_face_is_read()
    {
        string data = EmotionCliFiles.FerFolder(_temp.Sub("train"), perClass: 4);
        string output = Path.Combine(_temp.Path, "out");
        string[] args = ["train", "emotion", "--data", data, "--out", output, "--batch", "8", "--valid-every", "4"];
        Assert.That(CliRun.Invoke([.. args, "--epochs", "1"]).ExitCode, Is.EqualTo(ExitCodes.Success));

        var changed = CliRun.Invoke([.. args, "--epochs", "2", "--resume", "--lr", "0.001"]);

        Assert.That(changed.ExitCode, Is.EqualTo(ExitCodes.Failure), changed.Out);
        Assert.That(changed.Error.Trim(), Is.EqualTo($"error: {Path.Combine(output, "checkpoints")}: cannot resume: " +
            "--lr is 0.002 in the checkpoint, 0.001 now; rerun with the same options, or with --force to start over"));
        Assert.That(changed.Out, Does.Not.Contain("training faces"), "refused before the faces are read");
    }

    // `models` lists only folders with a MODEL_CARD.md: a trained model was "not a model folder". The
    // card is written with the model each time it is saved; a forced rerun replaces it unless written by hand.
    // Found by a new-user trial: a run killed between saving its model and its card, then resumed,
    // kept the card of an earlier epoch for good when no later epoch was better.
    [Test]
    public void A_resumed_run_leaves_a_card_that_counts_its_epochs_even_without_a_better_one()
    {
        string data = EmotionCliFiles.FerFolder(_temp.Sub("train"), perClass: 4);
        string output = Path.Combine(_temp.Path, "resumed");
        string card = Path.Combine(output, "MODEL_CARD.md");
        string[] args = ["train", "emotion", "--data", data, "--out", output, "--batch", "8", "--valid-every", "4"];
        Assert.That(CliRun.Invoke([.. args, "--epochs", "2"]).ExitCode, Is.EqualTo(ExitCodes.Success));
        string stale = Regex.Replace(File.ReadAllText(card), "- trained: [^\n]*", "- trained: stale");
        File.WriteAllText(card, stale);

        // Resumed with nothing left to train, so no epoch can be a new best that rewrites the card.
        var resumed = CliRun.Invoke([.. args, "--epochs", "2", "--resume"]);

        Assert.That(resumed.ExitCode, Is.EqualTo(ExitCodes.Success), resumed.Error);
        Assert.That(File.ReadAllText(card), Does.Contain("- trained: 2 of 2 epochs, 4 steps; the weights are the " +
            "best epoch's on validation, saved before the run was resumed").And.Not.Contain("stale"));
    }

    // Found by a new-user trial: the card is written when an epoch beats the best so far, and said
    // "trained: 3 of 8 epochs" for a run that went on to its eighth epoch without a better one.
    [Test]
    public void The_card_counts_every_epoch_run_not_just_those_up_to_the_best()
    {
        string data = EmotionCliFiles.FerFolder(_temp.Sub("train"), perClass: 4);
        string output = Path.Combine(_temp.Path, "long");
        var run = CliRun.Invoke(["train", "emotion", "--data", data, "--out", output, "--batch", "8",
            "--valid-every", "4", "--epochs", "6"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var saves = Regex.Matches(run.Out, @"epoch (\d+)/6.*saved as the best so far");
        Assert.That(saves, Is.Not.Empty, run.Out);
        string bestEpoch = saves[^1].Groups[1].Value;
        Assert.That(File.ReadAllText(Path.Combine(output, "MODEL_CARD.md")), Does.Contain(
            $"- trained: 6 of 6 epochs, 12 steps; the weights are epoch {bestEpoch}'s, the best on validation\n"));
    }

    [Test]
    public void Train_writes_a_model_card_that_models_lists_and_a_forced_rerun_replaces_unless_written_by_hand()
    {
        string data = EmotionCliFiles.FerFolder(_temp.Sub("train"), perClass: 4);
        string parent = _temp.Sub("models");
        string output = Path.Combine(parent, "tiny");
        string card = Path.Combine(output, "MODEL_CARD.md");
        string[] args = ["train", "emotion", "--data", data, "--out", output, "--batch", "8", "--valid-every", "4",
            "--epochs", "1"];
        byte[] byHand = Encoding.UTF8.GetBytes("# tiny\n\nWritten by hand.\n");

        var first = CliRun.Invoke(args);
        var listed = ListedModel.Of(parent, "tiny");
        var again = CliRun.Invoke([.. args, "--seed", "2", "--force"]);
        string regenerated = File.ReadAllText(card);
        File.WriteAllBytes(card, byHand);
        var forced = CliRun.Invoke([.. args, "--force"]);

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.Error);
        string scores = Regex.Match(first.Out, @"valid accuracy [\d.]+% mean recall [\d.]+%").Value;
        Assert.That(scores, Is.Not.Empty, first.Out);
        Assert.That(listed.KeyMetric, Is.EqualTo(scores));
        Assert.That(first.Out, Does.Contain("train emotion: 21 training faces, 7 validation faces"));
        Assert.That(listed.Card, Does.Contain("# tiny: trained by `multimodal train emotion`")
            .And.Contain($"Key metric: {scores}\n")
            .And.Contain($"- data: data folder `{data}`; 1 face in 4 of each class held out for validation\n")
            .And.Contain("- items: 21 training, 7 validation faces\n")
            .And.Contain("- trained: 1 of 1 epochs, 2 steps; the weights are epoch 1's, the best on validation\n"));
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), again.Error);
        Assert.That(regenerated, Does.StartWith(TrainedModelCard.Marker).And.Contain("--seed 2 --force"));
        Assert.That(forced.ExitCode, Is.EqualTo(ExitCodes.Success), forced.Error);
        Assert.That(File.ReadAllBytes(card), Is.EqualTo(byHand));
    }

    [Test]
    public void Train_stopped_by_ctrl_c_says_to_rerun_with_resume()
    {
        string data = EmotionCliFiles.FerFolder(_temp.Sub("train"), perClass: 4);
        using var ctrlC = new CancellationTokenSource();
        ctrlC.Cancel();

        var run = CliRun.Invoke(["train", "emotion", "--data", data, "--out", Path.Combine(_temp.Path, "out"),
            "--batch", "8", "--valid-every", "4", "--epochs", "1"], cancellation: ctrlC.Token);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Interrupted), run.Error);
        Assert.That(run.Error.Trim().Split(Environment.NewLine)[^1], Is.EqualTo(
            "interrupted: train emotion stopped; no checkpoint was saved yet, so the same command starts over"));
    }

    // Ctrl-C before the first batch of faces: no scores, one line saying how far it got.
    [Test]
    public void Eval_stopped_by_ctrl_c_says_how_far_it_got_and_prints_no_scores()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string data = EmotionCliFiles.FerFolder(_temp.Sub("test"), perClass: 2);
        using var ctrlC = new CancellationTokenSource();
        ctrlC.Cancel();

        var run = CliRun.Invoke(["eval", "emotion", "--model", model, "--data", data], cancellation: ctrlC.Token);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Interrupted), run.Error);
        Assert.That(run.Error.Trim().Split(Environment.NewLine)[^1],
            Is.EqualTo("interrupted: eval emotion stopped after 0 of 14 faces; nothing was written"));
        Assert.That(run.Out, Is.Empty);
    }

    // An unreadable face is one "error: FILE: REASON" line; the scores cover the rest, a last
    // line says how many were left out, the JSON counts them, and the exit code is 1.
    [Test]
    public void Eval_reports_an_unreadable_face_as_one_error_line_and_counts_it()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string data = EmotionCliFiles.FerFolder(_temp.Sub("test"), perClass: 2);
        string junk = Path.Combine(data, "happy", "junk.png");
        File.WriteAllText(junk, "not a picture");

        var run = CliRun.Invoke(["eval", "emotion", "--model", model, "--data", data, "--json"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        var errors = run.Error.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToArray();
        Assert.That(errors, Has.Length.EqualTo(1), run.Error);
        Assert.That(errors[0], Does.StartWith($"error: {junk}: "));
        Assert.That(run.Error.TrimEnd().Split('\n')[^1],
            Is.EqualTo("1 of 15 face images could not be read and are not in the scores"));
        var json = JsonNode.Parse(run.Out)!.AsObject();
        Assert.That((int)json["faces"]!, Is.EqualTo(14));
        Assert.That((int)json["failed"]!, Is.EqualTo(1));
    }

    // Under --json a missing folder, or one whose every face is unreadable, left stdout empty; a script
    // now gets the object of a scored run, figures null, with the text of the error line in "error".
    [TestCase("missing folder")]
    [TestCase("only unreadable faces")]
    public void Eval_json_on_a_folder_with_no_face_to_score_is_the_object_with_null_figures_and_the_error(
        string what)
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string data = Path.Combine(_temp.Path, "faces");
        if (what == "only unreadable faces")
        {
            File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(data, "happy")).FullName,
                "junk.png"), "not a picture");
        }

        var run = CliRun.Invoke(["eval", "emotion", "--model", model, "--data", data, "--json"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        var json = JsonNode.Parse(run.Out)!.AsObject();
        Assert.That(json.Select(p => p.Key), Is.EqualTo(new[]
        {
            "accuracy", "mean_recall", "recall", "confusion", "labels", "faces", "frames", "mirror", "shift",
            "failed", "error",
        }));
        Assert.That(new[] { json["accuracy"], json["mean_recall"], json["recall"], json["confusion"] }, Is.All.Null);
        Assert.That((int)json["faces"]!, Is.Zero);
        Assert.That((int)json["failed"]!, Is.EqualTo(what == "missing folder" ? 0 : 1));
        string error = json["error"]!.GetValue<string>();
        Assert.That(error, Does.StartWith(data));
        Assert.That(run.Error.TrimEnd().Split('\n')[^1], Is.EqualTo("error: " + error));
    }

    [Test]
    public void Train_skips_unreadable_faces_with_warnings_and_sums_them_up_at_the_end()
    {
        string data = EmotionCliFiles.FerFolder(_temp.Sub("train"), perClass: 4);
        File.WriteAllText(Path.Combine(data, "happy", "junk.png"), "not a picture");
        string output = Path.Combine(_temp.Path, "out");

        var run = CliRun.Invoke(["train", "emotion", "--data", data, "--out", output, "--batch", "8",
            "--valid-every", "4", "--epochs", "1"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Error, Does.Not.Contain("error:"));
        var warnings = run.Error.Split('\n').Where(l => l.StartsWith("warning: ", StringComparison.Ordinal)).ToArray();
        Assert.That(warnings, Has.Length.EqualTo(1), run.Error);
        Assert.That(warnings[0], Does.Contain("junk.png: skipped: "));
        Assert.That(run.Out, Does.Not.Contain("skipped " + data), "the skip is a warning on stderr, not a log line");
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[^1].TrimEnd(),
            Is.EqualTo("train emotion: 1 of 29 face images skipped (see the warnings above)"));
    }

    // A folder that is no class is left out with a warning (it used to be ignored without a word),
    // and a class with no face is named: the model cannot learn to predict it.
    [Test]
    public void Train_names_a_folder_that_is_no_class_and_a_class_without_faces()
    {
        string data = EmotionCliFiles.FerFolder(_temp.Sub("train"), perClass: 4);
        foreach (var face in Directory.GetFiles(Path.Combine(data, "disgust")))
        {
            File.Delete(face);
        }

        string contempt = Directory.CreateDirectory(Path.Combine(data, "contempt")).FullName;
        File.Copy(FirstSadFace(), Path.Combine(contempt, "x.jpg"));
        string output = Path.Combine(_temp.Path, "out");

        var run = CliRun.Invoke(["train", "emotion", "--data", data, "--out", output, "--batch", "8",
            "--valid-every", "4", "--epochs", "1"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Error, Does.Contain($"warning: {contempt}: skipped: not a class folder (the classes are "));
        Assert.That(run.Out, Does.Contain("no training faces of disgust: the model cannot learn to predict it"));
    }

    // OpenCV decodes up to a gigapixel: a 400-megapixel PNG in a class folder was decoded and
    // scored, a 1.6-gigapixel one reported in OpenCV's words. Both verbs refuse them from the header,
    // in the words caption and video emotion use.
    [Test]
    public void Eval_and_train_refuse_a_face_declaring_too_many_pixels_from_its_header()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string data = EmotionCliFiles.FerFolder(_temp.Sub("train"), perClass: 4);
        string large = Path.Combine(data, "happy", "large.png");
        File.WriteAllBytes(large, TestPng.HugeHeader(20_000, 20_000));
        string huge = Path.Combine(data, "sad", "huge.png");
        File.WriteAllBytes(huge, TestPng.HugeHeader(40_000, 40_000));
        const string limit = "over the limit of 50000000 pixels and 30000 per side";

        var eval = CliRun.Invoke(["eval", "emotion", "--model", model, "--data", data, "--json"]);
        var train = CliRun.Invoke(["train", "emotion", "--data", data, "--out", Path.Combine(_temp.Path, "out"),
            "--batch", "8", "--valid-every", "4", "--epochs", "1"]);

        Assert.That(eval.ExitCode, Is.EqualTo(ExitCodes.Failure), eval.Error);
        Assert.That(eval.Error, Does.Contain(
            $"error: {large}: PNG header declares 20000 x 20000 = 400000000 pixels, {limit}"));
        Assert.That(eval.Error, Does.Contain(
            $"error: {huge}: PNG header declares 40000 x 40000 = 1600000000 pixels, {limit}"));
        Assert.That((int)JsonNode.Parse(eval.Out)!["failed"]!, Is.EqualTo(2));
        Assert.That(train.ExitCode, Is.EqualTo(ExitCodes.Success), train.Error);
        Assert.That(train.Error, Does.Contain(
            $"warning: {huge}: skipped: PNG header declares 40000 x 40000 = 1600000000 pixels, {limit}"));
        Assert.That(train.Error, Does.Not.Contain("CV_IO_MAX_IMAGE_PIXELS"));
    }

    // The header check opens the file: asked before the kind of file was known, it waited for ever
    // on a named pipe in a class folder.
    [Test]
    public void Eval_with_a_named_pipe_in_a_class_folder_reports_it_and_never_waits()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string data = EmotionCliFiles.FerFolder(_temp.Sub("test"), perClass: 2);
        string pipe = Path.Combine(data, "happy", "pipe.png");
        NamedPipes.Make(pipe);

        var eval = Task.Run(() => CliRun.Invoke(["eval", "emotion", "--model", model, "--data", data]));
        bool ended = Task.WhenAny(eval, Task.Delay(TimeSpan.FromSeconds(60))).GetAwaiter().GetResult() == eval;

        Assert.That(ended, Is.True, "the pipe was opened and waited on");
        Assert.That(eval.Result.ExitCode, Is.EqualTo(ExitCodes.Failure), eval.Result.Error);
        Assert.That(eval.Result.Error, Does.Contain($"error: {pipe}: a named pipe, not a file"));
    }

    // Faces one folder deeper (happy/nested/) were left out without a word, and "Happy/" was "not a
    // class folder" with the seven names but no word of their case.
    [Test]
    public void Eval_and_train_name_nested_folders_and_say_class_names_are_lower_case()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string data = EmotionCliFiles.FerFolder(_temp.Sub("train"), perClass: 4);
        string nested = Directory.CreateDirectory(Path.Combine(data, "happy", "nested")).FullName;
        File.Copy(FirstSadFace(), Path.Combine(nested, "a.jpg"));
        File.Copy(FirstSadFace(), Path.Combine(nested, "b.jpg"));
        string upper = Directory.CreateDirectory(Path.Combine(data, "Surprise")).FullName;
        File.Copy(FirstSadFace(), Path.Combine(upper, "x.jpg"));

        var eval = CliRun.Invoke(["eval", "emotion", "--model", model, "--data", data, "--json"]);
        var train = CliRun.Invoke(["train", "emotion", "--data", data, "--out", Path.Combine(_temp.Path, "out"),
            "--batch", "8", "--valid-every", "4", "--epochs", "1"]);

        Assert.That(eval.ExitCode, Is.EqualTo(ExitCodes.Success), eval.Error);
        Assert.That(Warnings(eval.Error), Is.EqualTo(new[]
        {
            $"warning: {upper}: not a class folder, so not scored (class names are lower case: surprise)",
            $"warning: {nested}: a folder inside a class folder, so its faces are not read " +
            "(put them in the class folder itself)",
        }));
        Assert.That((int)JsonNode.Parse(eval.Out)!["faces"]!, Is.EqualTo(28));
        Assert.That(train.ExitCode, Is.EqualTo(ExitCodes.Success), train.Error);
        Assert.That(Warnings(train.Error), Is.EqualTo(new[]
        {
            $"warning: {upper}: skipped: not a class folder (class names are lower case: surprise)",
            $"warning: {nested}: skipped: a folder inside a class folder, so its faces are not read " +
            "(put them in the class folder itself)",
        }), "one warning a folder, not one a face in it");

        static string[] Warnings(string error) => error.Split('\n')
            .Where(l => l.StartsWith("warning: ", StringComparison.Ordinal)).Select(l => l.TrimEnd()).ToArray();
    }

    // train emotion spelt it --valid-every and eval emotion --validation-every, so the option copied
    // from one verb's command line to the other's was refused.
    [Test]
    public void Eval_and_train_take_both_spellings_of_the_validation_option()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string data = EmotionCliFiles.FerFolder(_temp.Sub("train"), perClass: 4);

        var eval = CliRun.Invoke(["eval", "emotion", "--model", model, "--data", data, "--valid-every", "4",
            "--json"]);
        var train = CliRun.Invoke(["train", "emotion", "--data", data, "--out", Path.Combine(_temp.Path, "out"),
            "--batch", "8", "--validation-every", "4", "--epochs", "1"]);

        Assert.That(eval.ExitCode, Is.EqualTo(ExitCodes.Success), eval.Error);
        Assert.That((int)JsonNode.Parse(eval.Out)!["faces"]!, Is.EqualTo(7), "one face in four of each class");
        Assert.That(train.ExitCode, Is.EqualTo(ExitCodes.Success), train.Error);
        Assert.That(train.Out, Does.Contain("21 training faces, 7 validation faces"));
    }

    // A model trained by `train emotion` has no face cascade beside it; without Debian's opencv-data it
    // could not be used ("no face cascade"). The bundled model's copy is used then.
    [Test]
    public void Video_emotion_with_a_trained_model_takes_the_bundled_models_face_cascade()
    {
        if (Directory.Exists(Pipelines.Video.Faces.HaarFaceDetector.DebianCascadeFolder))
        {
            Assert.Ignore("Debian's opencv-data is installed here, so the fallback is not what finds the cascade");
        }

        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string models = _temp.Sub("models");
        Directory.CreateSymbolicLink(Path.Combine(models, "emotion-fer2013"),
            Path.Combine(SpeechFiles.RepositoryRoot, "models", "emotion-fer2013"));
        string inputs = _temp.Sub("in");
        File.Copy(FirstSadFace(), Path.Combine(inputs, "face.jpg"));

        var run = CliRun.Invoke(["video", "emotion", inputs, "--model", model, "--out", _temp.Sub("out")],
            new Dictionary<string, string> { ["MULTIMODAL_MODELS"] = models });
        var without = CliRun.Invoke(["video", "emotion", inputs, "--model", model, "--out", _temp.Sub("out2")],
            new Dictionary<string, string> { ["MULTIMODAL_MODELS"] = _temp.Sub("empty") });

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(without.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(without.Error, Does.Contain("no face cascade"));
    }

    // One face a class: every face was held out, the log showed NaN class weights, and the error
    // said "0 training faces make no batch of 4" without saying where the faces went.
    [Test]
    public void Train_with_every_face_held_out_says_so_before_training()
    {
        string data = EmotionCliFiles.FerFolder(_temp.Sub("train"), perClass: 1);

        var run = CliRun.Invoke(["train", "emotion", "--data", data, "--out", Path.Combine(_temp.Path, "out"),
            "--batch", "4", "--epochs", "1"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error, Does.Contain("0 training faces after holding out 7 for validation (the first face of " +
            "each class and every 10th after it), fewer than one batch of 4"));
        Assert.That(run.Out, Does.Not.Contain("NaN"));
    }

    [Test]
    public void Train_skips_a_truncated_jpeg_face_with_a_warning_and_counts_it()
    {
        string data = EmotionCliFiles.FerFolder(_temp.Sub("train"), perClass: 4);
        string source = Directory.GetFiles(Path.Combine(data, "sad")).Order(StringComparer.Ordinal).First();
        byte[] face = File.ReadAllBytes(source);
        string cut = Path.Combine(data, "sad", "cut.jpg");
        File.WriteAllBytes(cut, face[..(face.Length / 2)]);
        string output = Path.Combine(_temp.Path, "out");

        var run = CliRun.Invoke(["train", "emotion", "--data", data, "--out", output, "--batch", "8",
            "--valid-every", "4", "--epochs", "1"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var warnings = run.Error.Split('\n').Where(l => l.StartsWith("warning: ", StringComparison.Ordinal)).ToArray();
        Assert.That(warnings, Is.EqualTo(new[]
        {
            $"warning: {cut}: skipped: truncated JPEG: the end-of-image marker is missing, " +
            "so part of the picture is absent",
        }), run.Error);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[^1].TrimEnd(),
            Is.EqualTo("train emotion: 1 of 29 face images skipped (see the warnings above)"));
    }

    [Test]
    public void Video_emotion_refuses_a_truncated_jpeg_and_goes_on_with_the_others()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string inputs = _temp.Sub("in");
        string source = FirstSadFace();
        File.Copy(source, Path.Combine(inputs, "whole.jpg"));
        byte[] face = File.ReadAllBytes(source);
        string cut = Path.Combine(inputs, "cut.jpg");
        File.WriteAllBytes(cut, face[..(face.Length / 2)]);
        string output = Path.Combine(_temp.Path, "out");

        var run = CliRun.Invoke(["video", "emotion", inputs, "--model", model, "--no-detect", "--out", output]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        var errors = run.Error.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToArray();
        Assert.That(errors, Has.Length.EqualTo(1), run.Error);
        Assert.That(errors[0], Does.Contain(cut).And.Contain("truncated JPEG: the end-of-image marker is missing"));
        Assert.That(run.Error, Does.Contain("1 succeeded, 1 failed"));
        Assert.That(File.Exists(Path.Combine(output, "whole.json")), Is.True);
        Assert.That(File.Exists(Path.Combine(output, "cut.json")), Is.False, "no label for half a face");
    }

    // OpenCV decodes a still of up to a gigapixel; one whose header declares more than the captioning
    // limit (50 megapixels) is one error line from its header, and the batch goes on.
    [Test]
    public void Video_emotion_refuses_a_still_declaring_too_many_pixels_and_goes_on()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string inputs = _temp.Sub("in");
        File.Copy(FirstSadFace(), Path.Combine(inputs, "whole.jpg"));
        string huge = Path.Combine(inputs, "huge.png");
        File.WriteAllBytes(huge, TestPng.HugeHeader(16_000, 16_000));
        string output = Path.Combine(_temp.Path, "out");

        var run = CliRun.Invoke(["video", "emotion", inputs, "--model", model, "--no-detect", "--out", output]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        Assert.That(run.Error, Does.Contain($"error: {huge}: PNG header declares 16000 x 16000 = 256000000 pixels, " +
            "over the limit of 50000000 pixels and 30000 per side"));
        Assert.That(run.Error, Does.Contain("1 succeeded, 1 failed"));
        Assert.That(File.Exists(Path.Combine(output, "whole.json")), Is.True);
    }

    // Two inputs that make one result file (cut.jpg, cut.mp4): the later one is still read, so a
    // bad file says what is wrong with it rather than that it clashes; one that reads fine is
    // not written and names the file that writes its result.
    [Test]
    public void Video_emotion_names_its_own_error_before_a_clash_of_result_names()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string inputs = _temp.Sub("in");
        string source = FirstSadFace();
        byte[] face = File.ReadAllBytes(source);
        string cut = Path.Combine(inputs, "cut.jpg");
        File.WriteAllBytes(cut, face[..(face.Length / 2)]);
        string junk = Path.Combine(inputs, "cut.mp4");
        File.WriteAllText(junk, "not a video");
        string whole = Path.Combine(inputs, "whole.jpg");
        File.Copy(source, whole);
        string again = Path.Combine(_temp.Sub("other"), "whole.png");
        File.Copy(source, again);
        string output = Path.Combine(_temp.Path, "out");

        var run = CliRun.Invoke(["video", "emotion", cut, junk, whole, again, "--model", model, "--no-detect",
            "--out", output]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        var errors = run.Error.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToArray();
        Assert.That(errors, Has.Length.EqualTo(3), run.Error);
        Assert.That(errors[0], Does.Contain(cut).And.Contain("truncated JPEG"));
        Assert.That(errors[1], Does.StartWith($"error: {junk}: ").And.Not.Contain("writes too"));
        Assert.That(errors[2], Is.EqualTo(
            $"error: {again}: would write {Path.Combine(output, "whole.json")}, which {whole} writes too; rename one"));
        Assert.That(run.Error, Does.Contain("1 succeeded, 3 failed"));
        Assert.That(File.Exists(Path.Combine(output, "whole.json")), Is.True);
        Assert.That(File.Exists(Path.Combine(output, "cut.json")), Is.False);
    }

    // A bad input named twice printed its error line twice and counted two failures of one file.
    [Test]
    public void Video_emotion_reports_a_bad_path_given_twice_once()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string inputs = _temp.Sub("in");
        string whole = Path.Combine(inputs, "whole.jpg");
        File.Copy(FirstSadFace(), whole);
        string pipe = Path.Combine(inputs, "pipe.mp4");
        NamedPipes.Make(pipe);
        string missing = Path.Combine(_temp.Path, "nope.mp4");

        var run = CliRun.Invoke(["video", "emotion", missing, pipe, inputs, missing, "--model", model, "--no-detect",
            "--out", Path.Combine(_temp.Path, "out")]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        var errors = run.Error.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.That(errors, Is.EqualTo(new[]
        {
            $"error: {missing}: no such file or folder",
            $"error: {pipe}: a named pipe, not a file: inputs are read from files (save the stream to one first)",
        }), run.Error);
        Assert.That(run.Error, Does.Contain("1 succeeded, 2 failed"));
    }

    // x.jpg's annotated picture would be x.annotated.png, which is the other input here: it is not
    // written (the input stays as it was) and x.jpg fails naming it; the other input is labelled.
    [Test]
    public void Video_emotion_never_writes_over_an_input_of_the_run()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string inputs = _temp.Sub("in");
        string source = FirstSadFace();
        string x = Path.Combine(inputs, "x.jpg");
        File.Copy(source, x);
        string annotated = Path.Combine(inputs, "x.annotated.png");
        using (var image = SixLabors.ImageSharp.Image.Load(source))
        {
            SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, annotated);
        }

        byte[] before = File.ReadAllBytes(annotated);

        var run = CliRun.Invoke(["video", "emotion", x, annotated, "--model", model, "--no-detect", "--out", inputs,
            "--annotate"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        var errors = run.Error.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToArray();
        Assert.That(errors, Is.EqualTo(new[]
        {
            $"error: {x}: would write {annotated}, which is an input of this run; write to another --out folder",
        }));
        Assert.That(File.ReadAllBytes(annotated), Is.EqualTo(before), "the input is untouched");
        Assert.That(File.Exists(Path.Combine(inputs, "x.annotated.json")), Is.True);
        Assert.That(File.Exists(Path.Combine(inputs, "x.json")), Is.False);
    }

    // Run in place (--out is the input folder), the annotated pictures of a first run are in the
    // folder the second run expands: they are left out (not analysed, not refused), so the rerun
    // skips the finished inputs, and no *.annotated.annotated.png appears.
    [Test]
    public void Video_emotion_run_in_place_leaves_its_own_annotated_pictures_out_of_a_rerun()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string inputs = _temp.Sub("in");
        File.Copy(FirstSadFace(), Path.Combine(inputs, "pic.jpg"));
        EmotionCliFiles.Clip(Path.Combine(inputs, "clip.mp4"), frames: 4);
        string[] args = ["video", "emotion", inputs, "--model", model, "--no-detect", "--out", inputs, "--annotate"];

        var first = CliRun.Invoke(args);
        var second = CliRun.Invoke(args);
        var forced = CliRun.Invoke([.. args, "--force"]);

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.Error);
        Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.Success), second.Error);
        Assert.That(second.Error, Does.Contain("2 skipped"));
        Assert.That(forced.ExitCode, Is.EqualTo(ExitCodes.Success), forced.Error);
        Assert.That(forced.Error, Does.Contain("2 succeeded"));
        Assert.That(Directory.GetFiles(inputs).Select(Path.GetFileName).Order(StringComparer.Ordinal), Is.EqualTo(new[]
        {
            "clip.annotated.mp4", "clip.json", "clip.mp4", "pic.annotated.png", "pic.jpg", "pic.json",
        }));
    }

    // A segment lasts at most its window and ends where the next one starts at the latest: with
    // frames 0.1 s apart and 0.25 s windows, the first window's faces (0, 0.1, 0.2) made a segment
    // (0, 0.3), longer than its window.
    [Test]
    public void Video_emotion_segments_stay_inside_their_windows()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string clip = EmotionCliFiles.Clip(Path.Combine(_temp.Sub("in"), "face.mp4"), frames: 12);
        string output = Path.Combine(_temp.Path, "out");

        var run = CliRun.Invoke(["video", "emotion", clip, "--model", model, "--cascade", EmotionCliFiles.Cascade,
            "--out", output, "--window", "0.25"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "face.json")))!;
        var segments = json["tracks"]!.AsArray().Single()!["segments"]!.AsArray();
        Assert.That(segments, Has.Count.GreaterThan(2));
        for (int i = 0; i < segments.Count; i++)
        {
            double start = segments[i]!["start"]!.GetValue<double>(), end = segments[i]!["end"]!.GetValue<double>();
            Assert.That(end - start, Is.GreaterThan(0).And.LessThanOrEqualTo(0.25 + 1e-9), $"segment {i}");
            if (i + 1 < segments.Count)
            {
                Assert.That(end, Is.LessThanOrEqualTo(segments[i + 1]!["start"]!.GetValue<double>()), $"segment {i}");
            }
        }
    }

    // A clip one pixel wide: the annotated video's even size was 0 wide, and the whole file failed
    // naming a temporary file; its frames are stretched to 2 pixels now.
    [Test]
    public void Video_emotion_annotates_a_clip_one_pixel_wide()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string clip = Path.Combine(_temp.Sub("in"), "thin.avi");
        using (var writer = new OpenCvSharp.VideoWriter(clip, OpenCvSharp.FourCC.MJPG, 10, new OpenCvSharp.Size(1, 8)))
        {
            for (int n = 0; n < 6; n++)
            {
                var grey = OpenCvSharp.Scalar.All(40 * n);
                using var frame = new OpenCvSharp.Mat(8, 1, OpenCvSharp.MatType.CV_8UC3, grey);
                writer.Write(frame);
            }
        }

        if (!File.Exists(clip) || new FileInfo(clip).Length == 0)
        {
            Assert.Inconclusive("this OpenCV build writes no 1-pixel-wide MJPG clip");
        }

        string output = Path.Combine(_temp.Path, "out");

        var run = CliRun.Invoke(["video", "emotion", clip, "--model", model, "--no-detect", "--out", output,
            "--annotate"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(new FileInfo(Path.Combine(output, "thin.annotated.mp4")).Length, Is.GreaterThan(0));
    }

    [Test]
    public void Video_emotion_writes_json_and_an_annotated_video_and_goes_on_after_a_bad_file()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string inputs = _temp.Sub("in");
        string clip = EmotionCliFiles.Clip(Path.Combine(inputs, "face.mp4"), frames: 12);
        EmotionCliFiles.Clip(Path.Combine(inputs, "empty-room.mp4"), frames: 5, withFace: false);
        File.WriteAllText(Path.Combine(inputs, "junk.mp4"), "not a video");
        string output = Path.Combine(_temp.Path, "out");

        var run = CliRun.Invoke(["video", "emotion", inputs, "--model", model, "--cascade", EmotionCliFiles.Cascade,
            "--out", output, "--annotate", "--window", "0.5"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error, Does.Contain("junk.mp4").And.Contain("2 succeeded, 1 failed"));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "face.json")))!;
        Assert.That((string)json["file"]!, Is.EqualTo("face.mp4"));
        Assert.That(EmotionLabels.All, Does.Contain((string)json["emotion"]!));
        var track = json["tracks"]!.AsArray().Single()!;
        Assert.That(track["segments"]!.AsArray(), Has.Count.EqualTo(3));   // 1.2 s of face in 0.5 s windows
        var empty = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "empty-room.json")))!;
        Assert.That(empty["emotion"], Is.Null);
        Assert.That(empty["tracks"]!.AsArray(), Is.Empty);
        Assert.That(new FileInfo(Path.Combine(output, "face.annotated.mp4")).Length, Is.GreaterThan(1000));
        Assert.That(File.Exists(Path.Combine(output, "junk.json")), Is.False);
        Assert.That(run.Out, Does.Contain("face.mp4").And.Contain("(no face)"));
        Assert.That(clip, Does.EndWith("face.mp4"));
    }

    [Test]
    public void Video_emotion_does_a_file_given_twice_once_with_a_warning()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string inputs = _temp.Sub("in");
        string face = Path.Combine(inputs, "face.png");
        File.Copy(FirstSadFace(), face);
        string output = Path.Combine(_temp.Path, "out");

        // Before, the second spelling failed: its face.json would overwrite the first one's.
        var run = CliRun.Invoke(["video", "emotion", face, inputs, "--model", model, "--no-detect", "--out", output]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var warnings = run.Error.Split('\n').Where(l => l.StartsWith("warning: ", StringComparison.Ordinal));
        Assert.That(warnings,
            Is.EqualTo(new[]
            {
                $"warning: {face}: given more than once (directly and in folder {inputs}); analysed once",
            }));
        Assert.That(run.Error, Does.Contain("1 succeeded, 0 failed, 0 skipped"));
        Assert.That(File.Exists(Path.Combine(output, "face.json")), Is.True);
    }

    [Test]
    public void Video_emotion_refuses_a_truncated_video_and_goes_on_with_the_others()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string inputs = _temp.Sub("in");
        string example = Path.Combine(VideoFiles.RepositoryRoot, "examples", "video", "moving-digits.mp4");
        byte[] whole = File.ReadAllBytes(example);
        File.Copy(example, Path.Combine(inputs, "whole.mp4"));
        // Three quarters of the file: 19 of the 40 frames decode, then the data stops.
        File.WriteAllBytes(Path.Combine(inputs, "cut.mp4"), whole[..(whole.Length * 3 / 4)]);
        string output = Path.Combine(_temp.Path, "out");

        var run = CliRun.Invoke(["video", "emotion", inputs, "--model", model, "--no-detect", "--out", output]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        var errors = run.Error.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToArray();
        Assert.That(errors, Has.Length.EqualTo(1), run.Error);
        Assert.That(errors[0], Does.Contain("cut.mp4").And.Contain("appears truncated")
            .And.Contain("decoding stopped after 19 frames").And.Contain("header announces 40"));
        Assert.That(run.Error, Does.Contain("1 succeeded, 1 failed"));
        Assert.That(File.Exists(Path.Combine(output, "whole.json")), Is.True);
        Assert.That(File.Exists(Path.Combine(output, "cut.json")), Is.False, "no result from half a video");
    }

    [Test]
    public void Video_emotion_removes_an_out_folder_it_made_when_every_input_fails()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string inputs = _temp.Sub("in");
        File.WriteAllText(Path.Combine(inputs, "notes.mp4"), "text, not a video");
        string output = Path.Combine(_temp.Path, "out", "emotions");

        var run = CliRun.Invoke(["video", "emotion", inputs, "--model", model, "--no-detect", "--out", output]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        Assert.That(run.Error, Does.Contain("0 succeeded, 1 failed"));
        Assert.That(Directory.Exists(Path.Combine(_temp.Path, "out")), Is.False, "an empty --out folder left behind");
    }

    [Test]
    public void A_still_image_is_a_one_frame_clip_and_no_detect_takes_the_whole_frame()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string face = Directory.GetFiles(Path.Combine(EmotionCliFiles.SharedData, "fer2013", "test", "sad"))
            .Order(StringComparer.Ordinal).First();
        string output = Path.Combine(_temp.Path, "out");

        var run = CliRun.Invoke(
            ["video", "emotion", face, "--model", model, "--no-detect", "--out", output, "--annotate"]);
        string name = Path.GetFileNameWithoutExtension(face);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(output, name + ".json")))!;
        Assert.That((int)json["frames"]!, Is.EqualTo(1));
        var segment = json["tracks"]![0]!["segments"]![0]!;
        Assert.That((double)segment["start"]!, Is.EqualTo(0));
        Assert.That((double)segment["end"]!, Is.EqualTo(0));
        Assert.That(File.Exists(Path.Combine(output, name + ".annotated.png")), Is.True);
    }

    // A forced rerun without --annotate rewrites the JSON; the picture an earlier run drew of its own
    // result is left (not this run's file to delete) but named as stale in a warning.
    [Test]
    public void A_forced_rerun_without_annotate_warns_of_the_earlier_annotated_file()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string face = FirstSadFace();
        string output = Path.Combine(_temp.Path, "out");
        string annotated = Path.Combine(output, Path.GetFileNameWithoutExtension(face) + ".annotated.png");
        var first = CliRun.Invoke(["video", "emotion", face, "--model", model, "--no-detect", "--out", output,
            "--annotate"]);
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.Error);
        Assert.That(first.Error, Does.Not.Contain("warning"));

        var again = CliRun.Invoke(["video", "emotion", face, "--model", model, "--no-detect", "--out", output,
            "--force"]);

        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), again.Error);
        Assert.That(again.Error, Does.Contain($"warning: {annotated}: left by an earlier run with --annotate: " +
            "it does not show this run's result; rerun with --annotate --force to replace it"));
        Assert.That(File.Exists(annotated), Is.True);
    }

    // --cascade naming a named pipe waited for ever (inputs that are pipes were refused already);
    // /dev/null said "is not an OpenCV cascade: buf" and a folder "does not exist". A file given as
    // --model said "model directory does not exist". Each is one line now, and nothing waits.
    [Test]
    public void A_cascade_or_model_that_is_no_usable_file_is_one_line_and_never_waited_on()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string face = FirstSadFace();
        string pipe = Path.Combine(_temp.Path, "casc.fifo");
        NamedPipes.Make(pipe);

        string output = Path.Combine(_temp.Path, "out");
        CliRun Emotion(params string[] options)
        {
            var run = Task.Run(() => CliRun.Invoke(["video", "emotion", face, "--out", output, .. options]));
            bool ended = Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60))).GetAwaiter().GetResult() == run;
            Assert.That(ended, Is.True, $"{string.Join(' ', options)}: waited on");
            return run.Result;
        }

        var runs = new[]
        {
            Emotion("--model", model, "--cascade", pipe),
            Emotion("--model", model, "--cascade", "/dev/null"),
            Emotion("--model", model, "--cascade", _temp.Path),
            Emotion("--model", face, "--no-detect"),
        };

        Assert.That(runs.Select(r => r.ExitCode), Is.All.EqualTo(ExitCodes.Failure));
        Assert.That(runs.Select(r => r.Error.Trim()), Is.EqualTo(new[]
        {
            $"error: {pipe}: is a named pipe, not a file: inputs are read from files (save the stream to one first)",
            "error: /dev/null: is a device, not a file",
            $"error: {_temp.Path}: is a folder, not a cascade file",
            $"error: {face}: is a file, not a model folder",
        }));
    }

    // A 236-character name gives a legal 250-byte annotated name, but the temporary video it was
    // drawn into (".<name>.annotated.<pid>.tmp.mp4") was over the 255-byte limit. An annotated name
    // over the limit is one line before the work, naming the file.
    [Test]
    public void Annotated_names_up_to_255_bytes_are_written_and_longer_ones_are_one_error_line()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string inputs = _temp.Sub("in");
        string fits = EmotionCliFiles.Clip(Path.Combine(inputs, new string('v', 236) + ".mp4"), frames: 3);
        string tooLong = EmotionCliFiles.Clip(Path.Combine(inputs, new string('é', 121) + ".mp4"), frames: 3);
        string output = Path.Combine(_temp.Path, "out");

        var run = CliRun.Invoke(["video", "emotion", fits, tooLong, "--model", model, "--no-detect", "--out", output,
            "--annotate"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        string refused = Path.Combine(output, new string('é', 121) + ".annotated.mp4");
        Assert.That(run.Error.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)),
            Is.EqualTo(new[]
            {
                $"error: {tooLong}: cannot write {refused}: file name too long: 256 bytes, the limit is 255",
            }));
        string stem = new string('v', 236);
        Assert.That(Directory.GetFiles(output).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { stem + ".json", stem + ".annotated.mp4" }), "no temporary file left");
        Assert.That(new FileInfo(Path.Combine(output, stem + ".annotated.mp4")).Length, Is.GreaterThan(0));
    }

    // Ctrl-C during the one video of a run: the video's own bar ended "done 89/100" while the
    // batch's said interrupted; it says where Ctrl-C found it now.
    [Test]
    public void Ctrl_c_during_a_single_video_ends_its_own_bar_as_interrupted()
    {
        string model = EmotionCliFiles.TinyModel(_temp.Path);
        string clip = EmotionCliFiles.Clip(Path.Combine(_temp.Sub("in"), "face.mp4"), frames: 30);
        string output = Path.Combine(_temp.Path, "out");
        // The plain bar's first step line; the frames after it are never analysed.
        using var error = new CtrlCWriter("face.mp4 (% of video): 10%");

        var run = CliRun.Invoke(["video", "emotion", clip, "--model", model, "--no-detect", "--out", output],
            cancellation: error.Token, error: error);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Interrupted), run.Error);
        var bar = run.Error.Split(Environment.NewLine)
            .Where(l => l.StartsWith("face.mp4 (% of video): ", StringComparison.Ordinal)).ToArray();
        Assert.That(bar[^1], Does.Match(@"^face\.mp4 \(% of video\): interrupted at \d+/100 in "), run.Error);
        Assert.That(run.Error, Does.Not.Contain("(% of video): done"));
        Assert.That(File.Exists(Path.Combine(output, "face.json")), Is.False);
    }
}
