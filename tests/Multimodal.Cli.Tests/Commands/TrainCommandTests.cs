using System.Text;
using System.Text.RegularExpressions;
using Multimodal.Cli.Commands;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Support;
using Pipelines.Speech.Model;

namespace Multimodal.Cli.Tests.Commands;

/// <summary><c>train speech</c> on six real FSDD clips with a tiny model (1 epoch, hidden 8).</summary>
[TestFixture]
public sealed class TrainCommandTests
{
    private static readonly string[] Clips =
        ["0_george_1", "1_george_1", "2_george_1", "3_george_1", "4_george_1", "5_george_1"];

    private static readonly string[] Words = ["zero", "one", "two", "three", "four", "five"];

    private TempFolder _temp = null!;
    private string _manifest = null!;
    private string _out = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        var audio = _temp.Sub("audio");
        foreach (var clip in Clips)
        {
            SpeechFiles.CopyClip(clip, audio);
        }

        _manifest = Path.Combine(_temp.Path, "train.tsv");
        File.WriteAllLines(_manifest, Clips.Select((c, i) => $"audio/{c}.wav\t{Words[i].ToUpperInvariant()}"));
        _out = Path.Combine(_temp.Path, "model");
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private string Checkpoints => Path.Combine(_out, "checkpoints");

    // The tiny run's options; an option given in extra replaces its default here.
    private CliRun Train(params string[] extra)
    {
        string[][] defaults =
        [
            ["--epochs", "1"], ["--hidden", "8"], ["--layers", "1"], ["--batch", "2"], ["--sample-rate", "8000"],
            ["--seed", "3"], ["--valid-fraction", "0.34"],
        ];
        var args = new List<string> { "train", "speech", "--manifest", _manifest, "--out", _out };
        args.AddRange(defaults.Where(d => !extra.Contains(d[0])).SelectMany(d => d));
        args.AddRange(extra);
        return CliRun.Invoke([.. args]);
    }

    // A first tiny model, moved out of the way to <temp>/first for a second run's --init.
    private string TrainFirst(params string[] extra)
    {
        Assert.That(Train(extra).ExitCode, Is.EqualTo(ExitCodes.Success));
        string first = Path.Combine(_temp.Path, "first");
        Directory.Move(_out, first);
        return first;
    }

    // A named pipe as --manifest or --valid was read whole for the checkpoint's hash of it before
    // the manifest reader (which refuses pipes) saw it: training waited for ever for a writer.
    [TestCase("--manifest")]
    [TestCase("--valid")]
    public void A_named_pipe_as_a_manifest_is_one_error_line_and_never_waited_on(string option)
    {
        string pipe = Path.Combine(_temp.Path, "rows.fifo");
        NamedPipes.Make(pipe);

        var train = Task.Run(() => option == "--manifest"
            ? CliRun.Invoke(["train", "speech", "--manifest", pipe, "--out", _out, "--epochs", "1"])
            : Train("--valid", pipe));
        bool ended = Task.WhenAny(train, Task.Delay(TimeSpan.FromSeconds(120))).GetAwaiter().GetResult() == train;

        Assert.That(ended, Is.True, "the pipe was opened and waited on");
        Assert.That(train.Result.ExitCode, Is.EqualTo(ExitCodes.Failure), train.Result.Error);
        Assert.That(train.Result.Error.Trim(), Is.EqualTo(
            $"error: {pipe}: a named pipe, not a file: inputs are read from files (save the stream to one first)"));
    }

    [Test]
    public void Writes_a_model_directory_that_transcribe_runs()
    {
        var run = Train();

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain("4 training, 2 validation utterances; 5 tokens (words)"));
        Assert.That(run.Out, Does.Match(@"epoch 1/1 step 2 loss \S+ valid WER \d+\.\d\d% CER \d+\.\d\d%"));
        Assert.That(Directory.GetFiles(Path.Combine(_out, "checkpoints")), Is.Not.Empty);
        var model = AcousticModelDirectory.Load(_out);
        // The blank, then the four training words (lower-cased, sorted); the two held out are unknown.
        var tokens = model.Config.Vocabulary.Tokens;
        Assert.That(tokens[0], Is.EqualTo("<blank>"));
        Assert.That(tokens.Skip(1), Is.SubsetOf(Words).And.Ordered.And.Exactly(4).Items);
        Assert.That(model.Config.Features.SampleRate, Is.EqualTo(8000));

        var transcribe = CliRun.Invoke(["transcribe", "--model", _out, Path.Combine(_temp.Path, "audio")]);
        Assert.That(transcribe.ExitCode, Is.EqualTo(ExitCodes.Success), transcribe.Error);
        Assert.That(transcribe.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(6));
    }

    // `models` lists only folders with a MODEL_CARD.md: a trained model was "not a model folder".
    [Test]
    public void Writes_a_model_card_so_that_models_lists_the_folder_with_its_key_metric()
    {
        string parent = _temp.Sub("models");
        _out = Path.Combine(parent, "tiny");

        var run = Train();
        var listed = ListedModel.Of(parent, "tiny");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain($"saved {_out} (config.json, weights.safetensors, MODEL_CARD.md)"));
        string scores = Regex.Match(run.Out, @"valid WER \S+ CER \S+%").Value;
        Assert.That(listed.Name, Is.EqualTo("tiny"));
        Assert.That(listed.Task, Is.EqualTo("transcribe"), "from the architecture: config.json has no task");
        Assert.That(listed.KeyMetric, Is.EqualTo(scores));
        Assert.That(listed.Card, Does.StartWith(TrainedModelCard.Marker)
            .And.Contain("# tiny: trained by `multimodal train speech`")
            .And.Contain($"Key metric: {scores}\n")
            .And.Contain($"multimodal train speech --manifest {_manifest} --out {_out} --epochs 1 --hidden 8")
            .And.Contain($"- data: manifest `{_manifest}` (validation rows held out of it)")
            .And.Contain("- items: 4 training, 2 validation utterances\n")
            .And.Contain("- trained: 1 of 1 epochs, 2 steps\n"));
    }

    // The bundled models' cards are written by hand: `train ... --out models/X --force` keeps them.
    [Test]
    public void A_card_written_by_hand_is_kept_byte_for_byte_and_a_generated_one_is_replaced()
    {
        Assert.That(Train().ExitCode, Is.EqualTo(ExitCodes.Success));
        string card = Path.Combine(_out, "MODEL_CARD.md");
        string generated = File.ReadAllText(card);

        var again = Train("--seed", "4", "--force");
        string regenerated = File.ReadAllText(card);
        byte[] byHand = Encoding.UTF8.GetBytes("# tiny\r\n\nWritten by hand.\nKey metric: WER 1%");
        File.WriteAllBytes(card, byHand);
        var forced = Train("--seed", "5", "--force");

        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), again.Error);
        Assert.That(regenerated, Does.StartWith(TrainedModelCard.Marker).And.Contain("--seed 4 --force"));
        Assert.That(generated, Does.Not.Contain("--seed 4"));
        Assert.That(forced.ExitCode, Is.EqualTo(ExitCodes.Success), forced.Error);
        Assert.That(forced.Out, Does.Contain($"saved {_out} (config.json, weights.safetensors) after"));
        Assert.That(File.ReadAllBytes(card), Is.EqualTo(byHand));
    }

    // A first run stopped by Ctrl-C after its first checkpoint but before it saved the model left no
    // card to read its command back from: the resume's card listed only the --resume command.
    [Test]
    public void A_resume_of_a_run_stopped_before_its_model_was_saved_lists_the_command_that_started_it()
    {
        // 4 training rows and their --wave copies in batches of 2: step 4 ends epoch 1 and writes its
        // checkpoint before the trainer looks at the token again, so the stop comes in epoch 2.
        using var error = new CtrlCWriter("(4/8)");
        var first = CliRun.Invoke(
            ["train", "speech", "--manifest", _manifest, "--out", _out, "--epochs", "2", "--hidden", "8",
                "--layers", "1", "--batch", "2", "--sample-rate", "8000", "--seed", "3", "--valid-fraction", "0.34",
                "--wave"], cancellation: error.Token, error: error);
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Interrupted), first.Error);
        Assert.That(File.Exists(Path.Combine(_out, TrainedModelCard.FileName)), Is.False, "stopped before saving");

        var resumed = Train("--resume", "--epochs", "2", "--wave");
        var commands = TrainedModelCard.CommandsIn(File.ReadAllText(Path.Combine(_out, TrainedModelCard.FileName)));

        Assert.That(resumed.ExitCode, Is.EqualTo(ExitCodes.Success), resumed.Error);
        Assert.That(resumed.Out, Does.Contain("resuming from "));
        Assert.That(commands, Has.Count.EqualTo(2), string.Join("\n", commands));
        Assert.That(commands[0], Does.EndWith("--valid-fraction 0.34 --wave").And.Not.Contain("--resume"));
        Assert.That(commands[1], Does.Contain("--resume"));

        // Starting over replaces the list: the card names only the run that made its weights.
        Assert.That(Train("--force").ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(TrainedModelCard.CommandsIn(File.ReadAllText(Path.Combine(_out, TrainedModelCard.FileName))),
            Has.Count.EqualTo(1));
    }

    // A resume that trains nothing more leaves the card of the run that trained the weights.
    [Test]
    public void Resume_after_a_finished_run_keeps_its_card()
    {
        Assert.That(Train().ExitCode, Is.EqualTo(ExitCodes.Success));
        string card = File.ReadAllText(Path.Combine(_out, "MODEL_CARD.md"));

        var run = Train("--resume");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(File.ReadAllText(Path.Combine(_out, "MODEL_CARD.md")), Is.EqualTo(card));
    }

    [Test]
    public void Resume_after_a_finished_run_does_not_train_again()
    {
        Assert.That(Train().ExitCode, Is.EqualTo(ExitCodes.Success));
        var weights = File.ReadAllBytes(Path.Combine(_out, "weights.safetensors"));

        var run = Train("--resume");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain("resuming from ").And.Contain("at step 2 (all epochs already done)"));
        Assert.That(run.Out, Does.Not.Contain("epoch 1/1"));
        Assert.That(File.ReadAllBytes(Path.Combine(_out, "weights.safetensors")), Is.EqualTo(weights));
    }

    // A run killed (SIGKILL) after its last checkpoint but before or while it saved the model left a
    // folder without the model and card, or with the weights and no card. The resume found every
    // epoch done, printed no validation figures, and wrote a card saying "No key metric". It measures
    // the checkpoint's model again and gives the card the figures the finished run would have.
    [TestCase("weights.safetensors", "config.json", TrainedModelCard.FileName)]
    [TestCase(TrainedModelCard.FileName)]
    public void Resume_after_a_kill_during_the_final_save_writes_the_card_with_its_key_metric(params string[] lost)
    {
        Assert.That(Train("--epochs", "2").ExitCode, Is.EqualTo(ExitCodes.Success));
        string card = Path.Combine(_out, TrainedModelCard.FileName);
        string metric = File.ReadLines(card).Single(l => l.StartsWith("Key metric: ", StringComparison.Ordinal));
        var weights = File.ReadAllBytes(Path.Combine(_out, "weights.safetensors"));
        foreach (string file in lost)
        {
            File.Delete(Path.Combine(_out, file));
        }

        var run = Train("--resume", "--epochs", "2");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain("(all epochs already done)"));
        Assert.That(File.ReadAllText(card), Does.Contain("\n" + metric + "\n").And.Contain("- trained: 2 of 2 epochs"));
        Assert.That(File.ReadAllBytes(Path.Combine(_out, "weights.safetensors")), Is.EqualTo(weights));
        // The card gives the figures as the run printed them.
        Assert.That(run.Out, Does.Contain("train speech: the checkpoint's model:" + metric["Key metric:".Length..]));
    }

    // Killed after the last checkpoint of a resumed, longer run: the folder still held the shorter
    // run's weights and card. The resume that saves the longer run's weights gives them their own card.
    [Test]
    public void Resume_that_saves_newer_weights_than_the_cards_replaces_the_card()
    {
        Assert.That(Train("--epochs", "1").ExitCode, Is.EqualTo(ExitCodes.Success));
        string shorter = Path.Combine(_temp.Path, "shorter");
        Directory.CreateDirectory(shorter);
        string[] model = ["weights.safetensors", "config.json", TrainedModelCard.FileName];
        foreach (string file in model)
        {
            File.Copy(Path.Combine(_out, file), Path.Combine(shorter, file));
        }

        Assert.That(Train("--resume", "--epochs", "2").ExitCode, Is.EqualTo(ExitCodes.Success));
        string card = Path.Combine(_out, TrainedModelCard.FileName);
        string metric = File.ReadLines(card).Single(l => l.StartsWith("Key metric: ", StringComparison.Ordinal));
        foreach (string file in model)
        {
            File.Copy(Path.Combine(shorter, file), Path.Combine(_out, file), overwrite: true);
        }

        var run = Train("--resume", "--epochs", "2");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        string text = File.ReadAllText(card);
        Assert.That(text, Does.Contain("\n" + metric + "\n").And.Contain("- trained: 2 of 2 epochs, 4 steps\n"));
    }

    // A resume with a smaller --epochs than its checkpoint had done printed "done 4/2" and a card of
    // "1 of 1 epochs": it says once that nothing is trained, and the card counts the real epochs.
    [Test]
    public void Resume_with_fewer_epochs_than_the_checkpoint_says_so_and_the_card_keeps_the_true_count()
    {
        Assert.That(Train("--epochs", "2").ExitCode, Is.EqualTo(ExitCodes.Success));
        var weights = File.ReadAllBytes(Path.Combine(_out, "weights.safetensors"));
        File.Delete(Path.Combine(_out, TrainedModelCard.FileName));   // so that the resume writes one

        var run = Train("--resume", "--epochs", "1");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain(
            "at step 4: the checkpoint is already past --epochs 1 (at epoch 2), so nothing more is trained"));
        Assert.That(run.Out + run.Error, Does.Not.Contain("4/2").And.Not.Contain("epoch 1/1"));
        Assert.That(File.ReadAllBytes(Path.Combine(_out, "weights.safetensors")), Is.EqualTo(weights));
        Assert.That(File.ReadAllText(Path.Combine(_out, TrainedModelCard.FileName)),
            Does.Contain("- trained: 2 epochs, 4 steps\n"));
    }

    // Two runs into one --out both trained and saved, their checkpoints, weights and card a mix of
    // the two: a run holds the folder (an OS lock on .NAME.lock beside it) and a second one stops at
    // once; the hold ends with the run.
    [Test]
    public void A_second_run_into_the_same_out_stops_at_once_and_the_hold_ends_with_the_run()
    {
        Directory.CreateDirectory(_out);
        CliRun busy;
        using (Multimodal.Cli.Batch.OutputLock.Acquire(_out, "train run"))
        {
            busy = Train();
        }

        var after = Train();

        Assert.That(busy.ExitCode, Is.EqualTo(ExitCodes.Failure), busy.Out);
        Assert.That(busy.Error, Does.StartWith($"error: {_out}: in use by another train run"));
        Assert.That(busy.Out, Does.Not.Contain("epoch 1/1"));
        Assert.That(after.ExitCode, Is.EqualTo(ExitCodes.Success), after.Error);
        Assert.That(File.Exists(Multimodal.Cli.Batch.OutputLock.PathFor(_out)), Is.False, "released and removed");
    }

    [Test]
    public void Resume_with_more_epochs_continues_from_the_checkpoint_step()
    {
        Assert.That(Train().ExitCode, Is.EqualTo(ExitCodes.Success));

        var run = Train("--resume", "--epochs", "2");
        var again = Train("--resume", "--epochs", "2");
        var card = TrainedModelCard.CommandsIn(File.ReadAllText(Path.Combine(_out, "MODEL_CARD.md")));
        var forced = Train("--force");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain("at step 2 (epoch 2/2, batch 0)").And.Contain("epoch 2/2 step 4 loss")
            .And.Not.Contain("epoch 1/2"));
        // The card keeps the command that started the run and adds the resume's under it (once, though
        // it ran twice); a forced rerun starts the list over.
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), again.Error);
        Assert.That(card, Has.Count.EqualTo(2));
        Assert.That(card[0], Does.EndWith(
            $"--out {_out} --epochs 1 --hidden 8 --layers 1 --batch 2 --sample-rate 8000 " +
            "--seed 3 --valid-fraction 0.34"));
        Assert.That(card[1], Does.EndWith("--valid-fraction 0.34 --resume --epochs 2"));
        Assert.That(forced.ExitCode, Is.EqualTo(ExitCodes.Success), forced.Error);
        Assert.That(TrainedModelCard.CommandsIn(File.ReadAllText(Path.Combine(_out, "MODEL_CARD.md"))),
            Has.Count.EqualTo(1).And.All.EndWith("--force"));
    }

    [Test]
    public void Resume_past_a_damaged_newest_checkpoint_is_a_warning_that_says_why()
    {
        Assert.That(Train().ExitCode, Is.EqualTo(ExitCodes.Success));
        string bad = Path.Combine(_out, "checkpoints", "checkpoint-0000000009.safetensors");
        File.WriteAllText(bad, "not a checkpoint");

        var run = Train("--resume", "--epochs", "2");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Error, Does.Not.Contain("error:"), "the run succeeds, so nothing in it is an error");
        var warnings = run.Error.Split('\n').Where(l => l.StartsWith("warning: ", StringComparison.Ordinal)).ToArray();
        Assert.That(warnings, Has.Length.EqualTo(1), run.Error);
        // The safetensors reader's reason: the 8 bytes "not a ch" read as a header length.
        Assert.That(warnings[0], Is.EqualTo($"warning: {bad}: checkpoint unreadable: header length "
            + "7521891404167278446 bytes exceeds the 100000000-byte limit (corrupt file, or not a safetensors file?); "
            + "trying an older one"));
        Assert.That(run.Out, Does.Contain("at step 2 (epoch 2/2, batch 0)"));
    }

    // Bytes changed inside the tensor data (same size, header intact) were loaded as weights; the
    // checksum refuses the file by name and the run goes on from the checkpoint before it.
    [Test]
    public void Resume_past_a_checkpoint_with_flipped_bytes_says_it_is_corrupt_and_uses_the_older_one()
    {
        Assert.That(Train("--epochs", "2").ExitCode, Is.EqualTo(ExitCodes.Success));
        string bad = Path.Combine(Checkpoints, "checkpoint-0000000004.safetensors");
        byte[] bytes = File.ReadAllBytes(bad);
        long dataStart = 8 + (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        int middle = (int)((dataStart + bytes.Length) / 2);
        bytes[middle] ^= 0x5A;
        bytes[middle + 1] ^= 0x5A;
        File.WriteAllBytes(bad, bytes);

        var run = Train("--resume", "--epochs", "3");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var warnings = run.Error.Split('\n').Where(l => l.StartsWith("warning: ", StringComparison.Ordinal)).ToArray();
        Assert.That(warnings, Has.Length.EqualTo(1), run.Error);
        Assert.That(warnings[0], Does.StartWith($"warning: {bad}: checkpoint unreadable: corrupt (checksum mismatch)")
            .And.EndWith("; trying an older one"));
        Assert.That(run.Out, Does.Contain("checkpoint-0000000002.safetensors at step 2 (epoch 2/3, batch 0)"));
    }

    // A checkpoint without a checksum (written before them, or its "checksum" key changed, which no
    // check can tell apart) resumes, with a warning that it was not verified.
    [Test]
    public void Resume_from_a_checkpoint_without_a_checksum_warns_that_it_was_not_verified()
    {
        Assert.That(Train("--epochs", "2").ExitCode, Is.EqualTo(ExitCodes.Success));
        string newest = Directory.GetFiles(Checkpoints, "checkpoint-*.safetensors").Max()!;
        byte[] bytes = File.ReadAllBytes(newest);
        byte[] key = System.Text.Encoding.ASCII.GetBytes("\"checksum\"");
        int at = bytes.AsSpan().IndexOf(key);
        Assert.That(at, Is.GreaterThan(0));
        bytes[at + key.Length - 2] = (byte)'X';   // "checksuX": the field is gone, the size unchanged
        File.WriteAllBytes(newest, bytes);

        var run = Train("--resume", "--epochs", "3");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var warnings = run.Error.Split('\n').Where(l => l.StartsWith("warning: ", StringComparison.Ordinal)).ToArray();
        Assert.That(warnings, Is.EqualTo(new[]
        {
            $"warning: {newest}: checkpoint not verified: it carries no checksum, so it was not verified",
        }));
    }

    // With every checkpoint corrupt there is nothing to go back to: one error line naming each file.
    [Test]
    public void Resume_with_every_checkpoint_corrupt_is_one_error_naming_each()
    {
        Assert.That(Train("--epochs", "2").ExitCode, Is.EqualTo(ExitCodes.Success));
        var files = Directory.GetFiles(Checkpoints, "checkpoint-*.safetensors");
        foreach (string file in files)
        {
            byte[] bytes = File.ReadAllBytes(file);
            bytes[^3] ^= 0x01;   // the last tensor's last value
            File.WriteAllBytes(file, bytes);
        }

        var run = Train("--resume", "--epochs", "3");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Out);
        Assert.That(run.Error.Trim().Split('\n'), Has.Length.EqualTo(1), run.Error);
        Assert.That(run.Error, Does.StartWith($"error: no readable checkpoint in '{Checkpoints}'"));
        Assert.That(files, Has.Length.EqualTo(2));
        Assert.That(files, Has.All.Matches<string>(f => run.Error.Contains($"{f}: corrupt (checksum mismatch)")));
        Assert.That(run.Error.Trim(), Does.EndWith("; rerun without --resume to start over (with --force where the " +
            "output folder already holds a model)"));
        Assert.That(run.Out, Does.Not.Contain("epoch 3/3"));
    }

    [TestCase("--speed-percent", "10", "--speed-percent", "20", "--speed-percent is 10 in the checkpoint, 20 now")]
    [TestCase("--dropout-percent", "30", "--dropout-percent", "10",
        "--dropout-percent is 30 in the checkpoint, 10 now")]
    [TestCase("--wave", null, "--speed-percent", "0", "--wave is on in the checkpoint, off now")]
    public void Resume_refuses_a_changed_augmentation_option_naming_both_values(
        string first, string? firstValue, string second, string secondValue, string expected)
    {
        Assert.That(Train(firstValue is null ? [first] : [first, firstValue]).ExitCode, Is.EqualTo(ExitCodes.Success));
        var weights = File.ReadAllBytes(Path.Combine(_out, "weights.safetensors"));

        var run = Train("--resume", "--epochs", "2", second, secondValue);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        var errors = run.Error.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToArray();
        Assert.That(errors, Has.Length.EqualTo(1), run.Error);
        Assert.That(errors[0], Does.Contain(": cannot resume: ").And.Contain(expected));
        Assert.That(run.Out, Does.Not.Contain("epoch 2/2"));
        Assert.That(File.ReadAllBytes(Path.Combine(_out, "weights.safetensors")), Is.EqualTo(weights));
    }

    // Options and data that change which rows are trained on or where an epoch ends: a resumed
    // run would mix two splits (or count steps against another batch) without a word.
    [TestCase("--valid-fraction", "0.3", "--valid-fraction is 0.34 in the checkpoint, 0.3 now")]
    [TestCase("--batch", "8", "--batch is 2 in the checkpoint, 8 now")]
    [TestCase("manifest", null, "the manifest's hash is sha256:")]
    public void Resume_refuses_a_changed_split_batch_or_manifest(string what, string? value, string expected)
    {
        Assert.That(Train().ExitCode, Is.EqualTo(ExitCodes.Success));
        if (value is null)
        {
            // One row less: the others move between the training and validation sets.
            File.WriteAllLines(_manifest, File.ReadAllLines(_manifest).Skip(1));
        }

        var run = value is null ? Train("--resume", "--epochs", "2") : Train("--resume", "--epochs", "2", what, value);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        Assert.That(run.Error.Trim(), Does.StartWith($"error: {Checkpoints}: cannot resume: ").And.Contain(expected));
        Assert.That(run.Out, Does.Not.Contain("epoch 2/2"));
    }

    [Test]
    public void Resume_refuses_a_changed_option_before_decoding_any_audio()
    {
        Assert.That(Train().ExitCode, Is.EqualTo(ExitCodes.Success));
        // Were the audio decoded first, each file would be one "skipped" line and then a failure.
        foreach (var clip in Directory.GetFiles(Path.Combine(_temp.Path, "audio")))
        {
            File.WriteAllText(clip, "not audio at all");
        }

        var run = Train("--resume", "--epochs", "2", "--dropout-percent", "30");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error.Trim().Split('\n'), Has.Length.EqualTo(1), run.Error);
        Assert.That(run.Error, Does.StartWith($"error: {Checkpoints}: cannot resume: ")
            .And.Contain("--dropout-percent is 10 in the checkpoint, 30 now"));
        Assert.That(run.Out, Is.Empty);
    }

    [TestCase("--vocab", "chars", "words")]
    [TestCase("--mfcc", "13", "0")]
    public void Resume_names_a_changed_vocabulary_or_feature_option(string option, string now, string before)
    {
        Assert.That(Train().ExitCode, Is.EqualTo(ExitCodes.Success));

        var run = Train("--resume", "--epochs", "2", option, now);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error, Does.Contain($"{option} is {before} in the checkpoint, {now} now"));
        Assert.That(run.Out, Is.Empty);
    }

    [Test]
    public void Resume_with_another_seed_is_refused_since_it_would_change_the_validation_rows()
    {
        Assert.That(Train().ExitCode, Is.EqualTo(ExitCodes.Success));
        var weights = File.ReadAllBytes(Path.Combine(_out, "weights.safetensors"));

        var refused = Train("--resume", "--epochs", "2", "--seed", "4");
        var same = Train("--resume", "--epochs", "2", "--seed", "3");

        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(refused.Error.Trim(), Does.StartWith($"error: {Checkpoints}: cannot resume: ")
            .And.Contain("--seed is 3 in the checkpoint, 4 now").And.Not.Contain("--dropout-percent"));
        Assert.That(refused.Out, Does.Not.Contain("epoch 2/2"));
        Assert.That(same.ExitCode, Is.EqualTo(ExitCodes.Success), same.Error);
        Assert.That(same.Out, Does.Contain("epoch 2/2"));
        Assert.That(File.ReadAllBytes(Path.Combine(_out, "weights.safetensors")), Is.Not.EqualTo(weights));
    }

    // A changed model size or cell is named in one line before any audio is decoded, rather
    // than found by the weights' shapes after decoding, as a dump of every mismatched tensor.
    [Test]
    public void Resume_with_another_model_shape_names_the_option_in_one_line()
    {
        Assert.That(Train().ExitCode, Is.EqualTo(ExitCodes.Success));

        var hidden = Train("--resume", "--epochs", "2", "--hidden", "16");
        var cell = Train("--resume", "--epochs", "2", "--cell", "lstm");

        Assert.That(hidden.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(hidden.Error.Trim().Split('\n'), Has.Length.EqualTo(1), hidden.Error);
        Assert.That(hidden.Error, Does.Contain("--hidden is 8 in the checkpoint, 16 now").And.Not.Contain("weight"));
        Assert.That(hidden.Out, Is.Empty, "nothing decoded or trained");
        Assert.That(cell.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(cell.Error, Does.Contain("--cell is gru in the checkpoint, lstm now"));
    }

    // Ctrl-C (here: a token cancelled before the run) ends the run with 130 and a line that says
    // how to continue; System.CommandLine alone ended it silently, the progress bar the last line.
    [Test]
    public void An_interrupted_run_says_so_and_how_to_continue()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = output, Error = error, GetVariable = _ => null, BaseDirectory = TempFolder.EmptyBase,
        };
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        int code = CliApp.RunAsync(
            ["train", "speech", "--manifest", _manifest, "--out", _out, "--epochs", "1", "--hidden", "8",
                "--layers", "1", "--batch", "2", "--sample-rate", "8000"],
            environment, cts.Token).GetAwaiter().GetResult();

        Assert.That(code, Is.EqualTo(ExitCodes.Interrupted), error.ToString());
        Assert.That(error.ToString().Trim().Split('\n')[^1], Is.EqualTo(
            "interrupted: train speech stopped; no checkpoint was saved yet, so the same command starts over"));
    }

    // With a checkpoint on disk the line says --resume continues from it, and from which step.
    [Test]
    public void An_interrupted_run_with_a_checkpoint_says_to_resume_from_its_step()
    {
        Assert.That(Train().ExitCode, Is.EqualTo(ExitCodes.Success));
        var steps = new Rnn.Core.Training.CheckpointStore(Path.Combine(_out, "checkpoints")).List();
        Assert.That(steps, Is.Not.Empty);

        var run = ResumeCancelledAtOnce();

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Interrupted), run.Error);
        Assert.That(run.Error.Trim().Split('\n')[^1], Is.EqualTo(
            "interrupted: train speech stopped; rerun the same command with --resume to continue from its " +
            $"last checkpoint (step {steps[^1].Step})"));
    }

    // The step named is the one a resume would take: past a damaged later checkpoint (which stays in
    // the folder under its higher step), the newest readable one's.
    [Test]
    public void An_interrupted_run_names_the_newest_readable_checkpoint_not_a_damaged_later_one()
    {
        Assert.That(Train().ExitCode, Is.EqualTo(ExitCodes.Success));
        var steps = new Rnn.Core.Training.CheckpointStore(Path.Combine(_out, "checkpoints")).List();
        File.WriteAllText(Path.Combine(_out, "checkpoints", "checkpoint-9999999999.safetensors"), "not a checkpoint");

        var run = ResumeCancelledAtOnce();

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Interrupted), run.Error);
        Assert.That(run.Error.Trim().Split('\n')[^1], Does.EndWith($"last checkpoint (step {steps[^1].Step})"));
    }

    // A --resume of the small run whose token is cancelled before it starts: it stops at once, as Ctrl-C would.
    private CliRun ResumeCancelledAtOnce()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        return CliRun.Invoke(
            ["train", "speech", "--manifest", _manifest, "--out", _out, "--epochs", "2", "--hidden", "8",
                "--layers", "1", "--batch", "2", "--sample-rate", "8000", "--seed", "3", "--valid-fraction", "0.34",
                "--resume"], cancellation: cts.Token);
    }

    [Test]
    public void Resume_with_the_same_augmentation_options_continues()
    {
        var first = Train("--speed-percent", "10", "--wave");
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success));

        var run = Train("--resume", "--epochs", "2", "--wave", "--speed-percent", "10");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain("epoch 2/2"));
        // The progress lines (plain, as the tests' stderr is no terminal): a fresh run starts at 0
        // though its first report comes a step in; the resumed one at its checkpoint's step.
        Assert.That(first.Error, Does.Contain("train speech: started, ").And.Not.Contain("started at"));
        Assert.That(run.Error, Does.Match(@"train speech: started at [1-9][0-9]*/[0-9]+"));
    }

    [Test]
    public void Chars_vocabulary_has_a_word_separator()
    {
        var run = Train("--vocab", "chars", "--cell", "lstm");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var vocab = AcousticModelDirectory.Load(_out).Config.Vocabulary;
        Assert.That(vocab.WordSeparator, Is.EqualTo("|"));
        Assert.That(vocab.Tokens, Does.Contain("e").And.Contain("o").And.Not.Contain("zero")
            .And.Not.Contain("E"));
    }

    // The emoji was two UTF-16 halves, each a token printed as U+FFFD: the saved model's vocabulary
    // then held the same text twice and could not be loaded.
    [Test]
    public void Chars_vocabulary_keeps_an_emoji_and_an_accented_letter_whole_and_the_model_loads()
    {
        var rows = File.ReadAllLines(_manifest);
        rows[0] = rows[0].Split('\t')[0] + "\t\U0001F415 e\u0301 Z\u00c9RO";
        rows[1] = rows[1].Split('\t')[0] + "\t\u00e9t\u00e9";
        File.WriteAllLines(_manifest, rows);

        var run = Train("--vocab", "chars", "--valid-fraction", "0");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var tokens = AcousticModelDirectory.Load(_out).Config.Vocabulary.Tokens;
        // Not composed (see TranscriptText's limit), but whole: no token is a lone accent.
        Assert.That(tokens, Does.Contain("\U0001F415").And.Contain("\u00e9").And.Contain("e\u0301")
            .And.Not.Contain("\u0301"));
        Assert.That(tokens.Where(t => t.Any(char.IsSurrogate)), Is.EqualTo(new[] { "\U0001F415" }));
    }

    // "<blank>" as a word made a second blank token: "tokens must be distinct; got '<blank>' 2 times".
    [TestCase("words", "<blank>", "has the word '<blank>', the CTC blank token of --vocab words")]
    [TestCase("chars", "a|b", "contains '|', the word separator of --vocab chars")]
    public void A_transcript_with_a_reserved_token_is_refused_naming_its_line(string vocab, string text, string why)
    {
        var rows = File.ReadAllLines(_manifest);
        rows[2] = rows[2].Split('\t')[0] + $"\tTWO {text}";
        File.WriteAllLines(_manifest, rows);

        var run = Train("--vocab", vocab);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error.Trim(), Is.EqualTo($"error: {_manifest}:3: transcript {why}; reword the row"));
        Assert.That(Directory.Exists(_out), Is.False);
    }

    [Test]
    public void Mfcc_makes_a_model_that_reads_cepstra_and_transcribe_computes_the_same()
    {
        var run = Train("--mfcc", "13");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var model = AcousticModelDirectory.Load(_out);
        Assert.That(model.Config.Features.Mfcc, Is.EqualTo(13));
        Assert.That(model.Config.Features.FeatureCount, Is.EqualTo(13));
        var transcribe = CliRun.Invoke(["transcribe", "--model", _out, Path.Combine(_temp.Path, "audio")]);
        Assert.That(transcribe.ExitCode, Is.EqualTo(ExitCodes.Success), transcribe.Error);
    }

    [Test]
    public void Init_starts_from_a_trained_model_and_keeps_its_output_layer_over_the_same_tokens()
    {
        string first = TrainFirst();

        var run = Train("--init", first, "--epochs", "1");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        int layers = AcousticModelDirectory.Load(first).NamedParameters().Count(p => !p.Path.StartsWith("output."));
        Assert.That(run.Out, Does.Contain($"starting from {first}: {layers} of {layers} layer weight tensors, " +
            "every output token"));
    }

    [Test]
    public void Init_over_other_tokens_keeps_none_of_the_output_layer()
    {
        string first = TrainFirst();

        var run = Train("--init", first, "--vocab", "chars");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        // Characters share no token with the first model's words but the blank.
        Assert.That(run.Out, Does.Contain("1 of 11 output tokens (the others start afresh)"));
    }

    [Test]
    public void Init_with_other_features_is_one_line_saying_which_options_match_it()
    {
        string first = TrainFirst("--mfcc", "13");

        var run = Train("--init", first);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(run.Error, Does.Contain(first).And.Contain("13 MFCCs at 8000 Hz")
            .And.Contain("--sample-rate 8000 --mfcc 13"));
        Assert.That(Directory.Exists(_out), Is.False, "nothing is written when the run is refused");
    }

    [Test]
    public void Resume_with_init_continues_from_the_checkpoint_and_does_not_say_it_starts_from_the_model()
    {
        string first = TrainFirst();
        Assert.That(Train("--init", first).ExitCode, Is.EqualTo(ExitCodes.Success));

        var run = Train("--init", first, "--resume", "--epochs", "2");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain("at step 2 (epoch 2/2, batch 0)").And.Not.Contain("starting from"));
        Assert.That(run.Out, Does.Contain($"--init {first} is not used: the run continues from its checkpoint"));
    }

    [Test]
    public void A_plain_rerun_into_a_folder_with_a_model_is_refused_and_force_starts_over()
    {
        Assert.That(Train().ExitCode, Is.EqualTo(ExitCodes.Success));
        var weights = File.ReadAllBytes(Path.Combine(_out, "weights.safetensors"));

        var refused = Train("--seed", "4");

        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(refused.Error.Trim(), Is.EqualTo($"error: {_out}: already holds a model: --force replaces it, " +
            "--resume continues its run, or give another --out"));
        Assert.That(File.ReadAllBytes(Path.Combine(_out, "weights.safetensors")), Is.EqualTo(weights));

        var forced = Train("--seed", "4", "--force");

        Assert.That(forced.ExitCode, Is.EqualTo(ExitCodes.Success), forced.Error);
        Assert.That(File.ReadAllBytes(Path.Combine(_out, "weights.safetensors")), Is.Not.EqualTo(weights));
    }

    [Test]
    public void Resume_with_force_is_a_usage_error()
    {
        var run = Train("--resume", "--force");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Error, Does.Contain("--resume and --force contradict each other"));
        Assert.That(Directory.Exists(_out), Is.False);
    }

    [Test]
    public void A_folder_holding_only_weights_is_an_earlier_model_too()
    {
        Directory.CreateDirectory(_out);
        File.WriteAllBytes(Path.Combine(_out, "weights.safetensors"), [1, 2, 3]);

        var refused = Train();

        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(refused.Error, Does.Contain("already holds a model: --force replaces it"));
        Assert.That(File.ReadAllBytes(Path.Combine(_out, "weights.safetensors")), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    // Found by a new-user trial: a run killed during a save left its temporary files for good.
    [Test]
    public void A_resumed_run_removes_the_temporary_files_a_killed_run_left()
    {
        Assert.That(Train("--epochs", "1").ExitCode, Is.EqualTo(ExitCodes.Success));
        string card = Path.Combine(_out, $".MODEL_CARD.md.{Guid.NewGuid():N}.tmp");
        string checkpoint = Path.Combine(Checkpoints, $".checkpoint-0000000009.safetensors.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(card, "half");
        File.WriteAllText(checkpoint, "half");

        var resumed = Train("--epochs", "2", "--resume");

        Assert.That(resumed.ExitCode, Is.EqualTo(ExitCodes.Success), resumed.Error);
        Assert.That(File.Exists(card) || File.Exists(checkpoint), Is.False);
    }

    // Found by a new-user trial: train speech took another --lr on resume without a word, where the
    // other train verbs refuse it.
    [Test]
    public void Resume_with_another_learning_rate_is_refused()
    {
        Assert.That(Train("--epochs", "1").ExitCode, Is.EqualTo(ExitCodes.Success));

        var refused = Train("--epochs", "2", "--resume", "--lr", "0.05");

        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(refused.Error, Does.Contain("cannot resume: --lr is 0.002 in the checkpoint, 0.05 now"));
    }

    // Found by a new-user trial: --resume into a copy of a bundled model (a model, no checkpoints)
    // trained from scratch and replaced the model, its card left describing other weights.
    [Test]
    public void Resume_into_a_folder_with_a_model_but_no_checkpoints_is_refused()
    {
        Assert.That(Train().ExitCode, Is.EqualTo(ExitCodes.Success));
        Directory.Delete(Path.Combine(_out, "checkpoints"), recursive: true);
        var weights = File.ReadAllBytes(Path.Combine(_out, "weights.safetensors"));

        var refused = Train("--resume");

        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(refused.Error.Trim(), Is.EqualTo($"error: {_out}: holds a model but no checkpoint of its run to " +
            "resume: --force replaces the model, or give another --out"));
        Assert.That(File.ReadAllBytes(Path.Combine(_out, "weights.safetensors")), Is.EqualTo(weights));
    }

    [Test]
    public void A_plain_rerun_into_a_folder_with_checkpoints_only_is_refused_naming_them()
    {
        Assert.That(Train().ExitCode, Is.EqualTo(ExitCodes.Success));
        File.Delete(Path.Combine(_out, "config.json"));
        File.Delete(Path.Combine(_out, "weights.safetensors"));

        var refused = Train();

        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(refused.Error, Does.Contain("holds 1 checkpoint of an earlier run: --resume continues it"));
    }

    [Test]
    public void A_validation_manifest_sharing_recordings_with_training_is_a_warning()
    {
        var run = Train("--valid", _manifest);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Error, Does.Contain($"warning: {_manifest}: 6 of its 6 recordings are also in the training " +
            "manifest, so the validation figures flatter the model"));
    }

    [Test]
    public void Init_with_layers_of_another_size_warns_that_the_rest_start_random()
    {
        string first = TrainFirst();

        var run = Train("--init", first, "--hidden", "12");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Error,
            Does.Contain($"warning: {first}: only ").And.Contain("layer weight tensors fit this run"));
    }

    [Test]
    public void Init_naming_a_missing_folder_is_refused_before_training()
    {
        var run = Train("--init", Path.Combine(_temp.Path, "nowhere"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error, Does.Contain("nowhere").And.Contain("model directory does not exist"));
        Assert.That(run.Out, Does.Not.Contain("epoch 1/1"));
    }

    [Test]
    public void Mfcc_above_the_band_count_is_refused()
    {
        var run = Train("--mfcc", "41");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Error, Does.Contain("--mfcc"));
    }

    [Test]
    public void Speed_percent_adds_a_slower_and_a_faster_copy_of_each_training_recording()
    {
        var run = Train("--speed-percent", "10", "--dropout-percent", "30");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        // 4 training recordings x (as recorded, 0.9x, 1.1x); validation stays as recorded.
        Assert.That(run.Out, Does.Contain("12 training, 2 validation utterances")
            .And.Contain("(4 recordings with their augmented copies)"));
        Assert.That(AcousticModelDirectory.Load(_out).Config.Dropout, Is.EqualTo(0.3f).Within(1e-6f));
    }

    [Test]
    public void Wave_alone_adds_one_augmented_copy_and_repeats_with_the_seed()
    {
        var first = Train("--wave");
        var weights = File.ReadAllBytes(Path.Combine(_out, "weights.safetensors"));
        Directory.Delete(_out, recursive: true);
        var second = Train("--wave");

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.Error);
        Assert.That(first.Out, Does.Contain("8 training, 2 validation utterances"));
        // The copies are drawn per recording from the seed, so the parallel load is repeatable.
        Assert.That(File.ReadAllBytes(Path.Combine(_out, "weights.safetensors")), Is.EqualTo(weights),
            second.Error);
    }

    [Test]
    public void Speed_percent_out_of_range_is_refused()
    {
        var run = Train("--speed-percent", "60");

        Assert.That(run.ExitCode, Is.Not.EqualTo(ExitCodes.Success));
        Assert.That(run.Error, Does.Contain("--speed-percent must be between 0 and 50; got 60"));
    }

    [Test]
    public void Bad_rows_are_one_error_line_each_and_nothing_is_trained()
    {
        File.AppendAllText(_manifest, "audio/missing.wav\tsix\nno tab here\n");

        var run = Train();

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[0], Does.StartWith("error: ").And.Contain("train.tsv:7:").And.Contain("missing.wav"));
        Assert.That(lines[1], Does.Contain("train.tsv:8:").And.Contain("no tab"));
        Assert.That(Directory.Exists(_out), Is.False);
    }

    // A recording on two rows (a manifest joined twice) is trained on twice: said, with both lines.
    [Test]
    public void A_recording_on_two_rows_is_a_warning_naming_both_lines()
    {
        File.AppendAllText(_manifest, $"audio/{Clips[2]}.wav\ttwo\n");

        var run = Train("--valid-fraction", "0");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Error, Does.Contain($"warning: {_manifest}:7: the same recording as line 3; it is used twice"));
    }

    [Test]
    public void Undecodable_files_are_skipped_and_counted()
    {
        File.WriteAllText(Path.Combine(_temp.Path, "audio", "junk.wav"), "not audio at all");
        File.AppendAllText(_manifest, "audio/junk.wav\tsix\n");

        var run = Train("--valid-fraction", "0");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Error, Does.Contain("junk.wav: skipped"));
        Assert.That(run.Out,
            Does.Contain("6 training, 0 validation utterances").And.Contain("(6 recordings, 1 skipped)"));
        // Said once by the warning and once by the closing summary; no third, unprefixed line on stdout.
        Assert.That(run.Out, Does.Not.Contain("failed to decode"));
        Assert.That(run.Out.Split('\n').Count(l => l.Contains("1 of 7", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    // A validation set whose every file fails to decode is a warning and a run without validation
    // figures, like any other unreadable files of a run that has training data; no training file
    // that decodes is still an error.
    [Test]
    public void A_validation_set_with_no_readable_file_trains_without_validation()
    {
        File.WriteAllText(Path.Combine(_temp.Path, "audio", "junk.wav"), "not audio at all");
        string valid = Path.Combine(_temp.Path, "valid.tsv");
        File.WriteAllLines(valid, ["audio/junk.wav\tsix"]);
        string bad = Path.Combine(_temp.Path, "bad.tsv");
        File.WriteAllLines(bad, ["audio/junk.wav\tsix"]);

        var run = Train("--valid", valid);
        var none = CliRun.Invoke(["train", "speech", "--manifest", bad, "--out", Path.Combine(_temp.Path, "none"),
            "--epochs", "1", "--hidden", "8", "--layers", "1", "--sample-rate", "8000"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Error, Does.Contain("junk.wav: skipped").And.Contain(
            "warning: none of the 1 validation files could be decoded: training without validation"));
        Assert.That(File.ReadAllText(Path.Combine(_out, "MODEL_CARD.md")),
            Does.Contain("No key metric: the run had no validation set"));
        Assert.That(none.ExitCode, Is.EqualTo(ExitCodes.Failure), none.Out);
        Assert.That(none.Error, Does.Contain("none of the 1 training files could be decoded"));
    }

    // A bad file in the --valid manifest is counted on the start-up line too, so that line and
    // the closing summary, which counts both sets, add up.
    [Test]
    public void Skipped_validation_files_are_counted_where_the_training_ones_are()
    {
        File.WriteAllText(Path.Combine(_temp.Path, "audio", "junk.wav"), "not audio at all");
        string valid = Path.Combine(_temp.Path, "valid.tsv");
        File.WriteAllLines(valid, File.ReadAllLines(_manifest).Take(2).Append("audio/junk.wav\tsix"));

        var run = Train("--valid", valid);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain("(1 validation file skipped)"));
        int rows = File.ReadAllLines(_manifest).Length + 3;
        Assert.That(run.Out, Does.Contain($"train speech: 1 of {rows} files skipped"));
    }

    [Test]
    public void Undecodable_files_are_warnings_not_errors_and_summed_up_at_the_end()
    {
        // Skipping a bad file of a training set and finishing is a success (exit 0), so the line for
        // it must not say "error:": that word is kept for what makes the exit code non-zero.
        File.WriteAllText(Path.Combine(_temp.Path, "audio", "junk.wav"), "not audio at all");
        File.AppendAllText(_manifest, "audio/junk.wav\tsix\n");

        var run = Train("--valid-fraction", "0");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Error, Does.Not.Contain("error:"));
        var warnings = run.Error.Split('\n').Where(l => l.StartsWith("warning: ", StringComparison.Ordinal)).ToArray();
        Assert.That(warnings, Has.Length.EqualTo(1), run.Error);
        Assert.That(warnings[0], Does.Contain("junk.wav: skipped: "));
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[^1].TrimEnd(), Is.EqualTo("train speech: 1 of 7 files skipped (see the warnings above)"));
    }

    [Test]
    public void Augmented_counts_leave_out_the_skipped_recordings()
    {
        File.WriteAllText(Path.Combine(_temp.Path, "audio", "junk.wav"), "not audio at all");
        File.AppendAllText(_manifest, "audio/junk.wav\tsix\n");

        var run = Train("--valid-fraction", "0", "--speed-percent", "10");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        // 6 decodable recordings x (as recorded, 0.9x, 1.1x); the 7th row failed to decode.
        Assert.That(run.Out, Does.Contain("18 training, 0 validation utterances")
            .And.Contain("(6 recordings with their augmented copies, 1 skipped)"));
        Assert.That(run.Out, Does.Not.Contain("7 recordings"));
    }

    [Test]
    public void A_missing_manifest_is_one_error_line()
    {
        var missing = Path.Combine(_temp.Path, "none.tsv");

        var run = CliRun.Invoke(["train", "speech", "--manifest", missing, "--out", _out]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error.Trim(), Is.EqualTo($"error: {missing}: manifest does not exist"));
    }
}
