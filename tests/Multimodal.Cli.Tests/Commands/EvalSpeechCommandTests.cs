using System.Text.Json.Nodes;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Commands;

/// <summary><c>eval speech</c> on a two-row manifest whose scores are known exactly.</summary>
[TestFixture]
public sealed class EvalSpeechCommandTests
{
    private TempFolder _temp = null!;
    private string _manifest = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        var audio = _temp.Sub("audio");
        SpeechFiles.CopyClip("4_george_0", audio, "a");
        SpeechFiles.CopyClip("7_george_0", audio, "b");
        _manifest = System.IO.Path.Combine(_temp.Path, "test.tsv");
        // The model hears "four" and "seven"; the first reference is deliberately wrong (and in
        // odd case and spacing, which normalising must remove): 1 of 2 words, 4 of 9 characters.
        File.WriteAllText(_manifest, "audio/a.wav\t  NINE \naudio/b.wav\tSeven\n");
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    // A named pipe as the manifest, or named by a row of it, is one error line; opening it would
    // wait for a writer for ever (the readers ask what a path is before they open it).
    [Test]
    public void A_named_pipe_as_manifest_or_as_a_row_is_one_error_and_never_waited_on()
    {
        string pipeManifest = System.IO.Path.Combine(_temp.Path, "pipe.tsv");
        string pipeAudio = System.IO.Path.Combine(_temp.Path, "audio", "pipe.wav");
        NamedPipes.Make(pipeManifest, pipeAudio);

        File.AppendAllText(_manifest, "audio/pipe.wav\tone\n");
        var runs = Task.Run(() => new[]
        {
            CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", pipeManifest]),
            CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", _manifest, "--json"]),
        });
        Assert.That(runs.Wait(TimeSpan.FromSeconds(120)), Is.True, "a pipe was opened and waited on");

        const string reason = "a named pipe, not a file: inputs are read from files (save the stream to one first)";
        var (manifest, row) = (runs.Result[0], runs.Result[1]);
        Assert.That(manifest.ExitCode, Is.EqualTo(ExitCodes.Failure), manifest.Error);
        Assert.That(manifest.Error.Trim(), Is.EqualTo($"error: {pipeManifest}: {reason}"));
        Assert.That(row.Error, Does.Contain($"{pipeAudio}: {reason}"), row.Error);
        Assert.That(JsonNode.Parse(row.Out)!["utterances"]!.GetValue<int>(), Is.EqualTo(2), "the other rows scored");
    }

    // Every row failing still prints the one JSON object --json promises (scores null), so a
    // script reads "failed" instead of finding nothing on stdout.
    [Test]
    public void Json_when_every_row_fails_is_still_one_object()
    {
        string bad = System.IO.Path.Combine(_temp.Path, "bad.tsv");
        File.WriteAllText(System.IO.Path.Combine(_temp.Path, "audio", "junk.wav"), "not audio");
        File.WriteAllText(bad, "audio/junk.wav\tone\n");

        var run = CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", bad, "--json"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        var json = JsonNode.Parse(run.Out)!.AsObject();
        Assert.That(json["failed"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(json["utterances"]!.GetValue<int>(), Is.Zero);
        Assert.That(json["wer"], Is.Null);
        Assert.That(json["error"]!.GetValue<string>(), Is.EqualTo("the utterance failed; nothing scored"));
        Assert.That(run.Error, Does.Contain("the utterance failed; nothing scored"));
        var text = CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", bad]);
        Assert.That(text.Out, Is.Empty, "the object is for --json only");
    }

    // A script reads stdout only, and a manifest that could not be read left it empty: now it holds
    // the object of a scored run, figures null, and "error" repeats the first error line of stderr.
    [TestCase("missing")]
    [TestCase("empty")]
    [TestCase("two rows without a tab")]
    [TestCase("binary")]
    public void Json_on_a_manifest_that_cannot_be_read_is_the_object_with_null_figures_and_the_error(string kind)
    {
        string manifest = System.IO.Path.Combine(_temp.Path, "m.tsv");
        switch (kind)
        {
            case "empty":
                File.WriteAllText(manifest, "");
                break;
            case "two rows without a tab":
                File.WriteAllText(manifest, "audio/a.wav four\naudio/b.wav seven\n");
                break;
            case "binary":
                File.WriteAllBytes(manifest, [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x09, 0x00, 0x41, 0x0A]);
                break;
        }

        var run = CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", manifest, "--json"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        var json = JsonNode.Parse(run.Out)!.AsObject();
        Assert.That(json.Select(p => p.Key),
            Is.EqualTo(new[] { "wer", "cer", "rtf", "utterances", "failed", "error" }));
        Assert.That(new[] { json["wer"], json["cer"], json["rtf"] }, Is.All.Null);
        string error = json["error"]!.GetValue<string>();
        Assert.That(error, Does.StartWith(manifest));
        Assert.That(run.Error.Split('\n')[0].TrimEnd(), Is.EqualTo("error: " + error));
    }

    [Test]
    public void Json_prints_one_object_with_wer_cer_rtf_and_utterances()
    {
        var run = CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", _manifest, "--json"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var json = JsonNode.Parse(run.Out)!.AsObject();
        Assert.That(json.Select(p => p.Key), Is.EqualTo(new[] { "wer", "cer", "rtf", "utterances", "failed" }));
        Assert.That((double)json["wer"]!, Is.EqualTo(0.5).Within(1e-12));
        Assert.That((double)json["cer"]!, Is.EqualTo(4.0 / 9).Within(1e-12));
        Assert.That((double)json["rtf"]!, Is.GreaterThan(0).And.LessThan(10));
        Assert.That((int)json["utterances"]!, Is.EqualTo(2));
    }

    // Found by a new-user trial: audio of no measurable duration (one sample) gave "RTF 0.0000",
    // as if transcribing it had been instant; there is nothing to divide by.
    [Test]
    public void The_real_time_factor_of_audio_without_duration_is_not_a_number_it_is_absent()
    {
        string wav = System.IO.Path.Combine(_temp.Path, "one-sample.wav");
        byte[] header = new byte[46];
        System.Text.Encoding.ASCII.GetBytes("RIFF").CopyTo(header, 0);
        BitConverter.GetBytes(38).CopyTo(header, 4);
        System.Text.Encoding.ASCII.GetBytes("WAVEfmt ").CopyTo(header, 8);
        BitConverter.GetBytes(16).CopyTo(header, 16);
        BitConverter.GetBytes((short)1).CopyTo(header, 20);
        BitConverter.GetBytes((short)1).CopyTo(header, 22);
        BitConverter.GetBytes(16000).CopyTo(header, 24);
        BitConverter.GetBytes(32000).CopyTo(header, 28);
        BitConverter.GetBytes((short)2).CopyTo(header, 32);
        BitConverter.GetBytes((short)16).CopyTo(header, 34);
        System.Text.Encoding.ASCII.GetBytes("data").CopyTo(header, 36);
        BitConverter.GetBytes(2).CopyTo(header, 40);
        File.WriteAllBytes(wav, header);
        string manifest = System.IO.Path.Combine(_temp.Path, "one.tsv");
        File.WriteAllText(manifest, "one-sample.wav\tone\n");

        var text = CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", manifest]);
        var json = CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", manifest, "--json"]);

        Assert.That(text.Out, Does.Contain("RTF  n/a ("), text.Error);
        Assert.That(JsonNode.Parse(json.Out)!["rtf"], Is.Null);
    }

    [Test]
    public void Text_output_names_each_figure()
    {
        var run = CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", _manifest]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain("WER  50.00%").And.Contain("CER  44.44%").And.Contain("RTF  ")
            .And.Contain("utterances  2"));
    }

    // Bad rows came out on one run-on line; train speech, and the README, give one line a row.
    [Test]
    public void Bad_manifest_rows_are_one_error_line_each_as_in_train_speech()
    {
        File.AppendAllText(_manifest, "no tab here\naudio/a.wav\tone\ttwo\n");

        var run = CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", _manifest]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        var lines = run.Error.Trim().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(2), run.Error);
        Assert.That(lines[0], Does.StartWith($"error: {_manifest}:3: no tab"));
        Assert.That(lines[1], Does.StartWith($"error: {_manifest}:4: 2 tabs"));
        Assert.That(run.Out, Is.Empty);
    }

    [Test]
    public void Unreadable_rows_cost_one_line_each_and_the_others_are_scored()
    {
        File.WriteAllBytes(System.IO.Path.Combine(_temp.Path, "audio", "cut.wav"), new byte[30]);
        File.AppendAllText(_manifest, "audio/cut.wav\tfour\naudio/gone.wav\tfive\n");

        var run = CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", _manifest, "--json"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        var errors = run.Error.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToArray();
        Assert.That(errors, Has.Length.EqualTo(2), run.Error);
        Assert.That(errors[0], Does.StartWith($"error: {_manifest}:3: ").And.Contain("cut.wav"));
        Assert.That(errors[1], Does.StartWith($"error: {_manifest}:4: ").And.Contain("gone.wav"));
        Assert.That(run.Error, Does.Contain("2 of 4 utterances failed"));
        var json = JsonNode.Parse(run.Out)!.AsObject();
        Assert.That((double)json["wer"]!, Is.EqualTo(0.5).Within(1e-12), "the two readable rows, as before");
        Assert.That((int)json["utterances"]!, Is.EqualTo(2));
        Assert.That((int)json["failed"]!, Is.EqualTo(2));
    }

    [Test]
    public void An_empty_reference_is_scored_and_silence_matches_it()
    {
        WriteSilence(System.IO.Path.Combine(_temp.Path, "audio", "quiet.wav"), seconds: 1);
        File.WriteAllText(_manifest, "audio/quiet.wav\t\naudio/b.wav\tseven\n");

        var run = CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", _manifest, "--json"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var json = JsonNode.Parse(run.Out)!.AsObject();
        Assert.That((double)json["wer"]!, Is.EqualTo(0));
        Assert.That((int)json["utterances"]!, Is.EqualTo(2));
    }

    // Before, the verb ran to its end whatever Ctrl-C said (in a real terminal the signal killed it
    // with no line). Here Ctrl-C comes as the first utterance is counted, so the second never runs.
    [Test]
    public void Ctrl_c_stops_at_the_next_utterance_says_how_far_it_got_and_prints_no_scores()
    {
        using var error = new CtrlCWriter("(1/2)");

        var run = CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", _manifest],
            cancellation: error.Token, error: error);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Interrupted), run.Error);
        var lines = run.Error.Trim().Split(Environment.NewLine);
        Assert.That(lines[^2], Does.StartWith("eval speech: interrupted at 1/2 in "), "the bar's last line");
        Assert.That(lines[^1],
            Is.EqualTo("interrupted: eval speech stopped after 1 of 2 utterances; nothing was written"));
        Assert.That(run.Out, Is.Empty);
    }

    [Test]
    public void A_missing_manifest_is_one_error_line()
    {
        var missing = System.IO.Path.Combine(_temp.Path, "none.tsv");

        var run = CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", missing]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error.Trim(), Is.EqualTo($"error: {missing}: manifest does not exist"));

        // A folder given for the manifest is said to be one, not to be missing.
        var folder = CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", _temp.Path]);
        Assert.That(folder.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(folder.Error.Trim(), Is.EqualTo($"error: {_temp.Path}: is a folder, not a manifest"));
    }

    [Test]
    public void A_binary_manifest_is_one_error_line_that_says_it_is_not_text()
    {
        // A gzipped manifest: NUL bytes and a tab on its first line, so a row splits in two.
        var binary = System.IO.Path.Combine(_temp.Path, "test.tsv.gz");
        File.WriteAllBytes(binary, [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x09, 0x00, 0x41, 0x0A]);

        var run = CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", binary]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error.Trim(), Does.StartWith($"error: {binary}:1: not a text manifest (")
            .And.Not.Contain("unexpected").And.Not.Contain("\n"));
    }

    // 16-bit mono PCM at 8 kHz, all zeros.
    private static void WriteSilence(string path, double seconds)
    {
        int bytes = (int)(8000 * seconds) * 2;
        using var w = new BinaryWriter(File.Create(path));
        w.Write("RIFF"u8);
        w.Write(36 + bytes);
        w.Write("WAVEfmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(8000);
        w.Write(16000);
        w.Write((short)2);
        w.Write((short)16);
        w.Write("data"u8);
        w.Write(bytes);
        w.Write(new byte[bytes]);
    }
}
