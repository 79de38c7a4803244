using System.Text.Json.Nodes;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Batch;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Commands;

/// <summary>
/// The transcribe verb end to end with the bundled speech-digits model on real FSDD clips of a
/// training speaker's held-back takes (george, take 0), which the model gets right.
/// </summary>
[TestFixture]
public sealed class TranscribeCommandTests
{
    private TempFolder _temp = null!;
    private string _in = null!;
    private string _out = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        _in = _temp.Sub("in");
        _out = System.IO.Path.Combine(_temp.Path, "out");
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static CliRun Transcribe(params string[] args) =>
        CliRun.Invoke(["transcribe", "--model", SpeechFiles.Model, .. args]);

    private static string[] ErrorLines(CliRun run) =>
        run.Error.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToArray();

    [Test]
    public void Prints_path_tab_text_per_file_in_input_order()
    {
        var seven = SpeechFiles.CopyClip("7_george_0", _in);
        var four = SpeechFiles.CopyClip("4_george_0", _in);

        var run = Transcribe(seven, four, "--jobs", "2", "--beam", "8");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[] { $"{seven}\tseven", $"{four}\tfour" }));
        Assert.That(ErrorLines(run), Is.Empty);
    }

    [Test]
    public void Model_may_be_the_bare_name_of_a_bundled_model()
    {
        string models = _temp.Sub("models");
        Directory.CreateSymbolicLink(System.IO.Path.Combine(models, "digits-copy"), SpeechFiles.Model);
        var seven = SpeechFiles.CopyClip("7_george_0", _in);
        var env = new Dictionary<string, string> { ["MULTIMODAL_MODELS"] = models };

        var run = CliRun.Invoke(["transcribe", "--model", "digits-copy", seven], env);
        var missing = CliRun.Invoke(["transcribe", "--model", "no-such-model", seven], env);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Is.EqualTo($"{seven}\tseven\n"));
        Assert.That(missing.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(missing.Error, Does.Contain("no-such-model: model directory does not exist"));
    }

    // $MULTIMODAL_MODELS naming a user's own models folder hid the bundled ones: the default model
    // (and --model NAME of a bundled one) was "not found". The bundled folders are looked in after it.
    [Test]
    public void A_users_models_folder_in_the_variable_does_not_hide_the_bundled_default()
    {
        string repo = _temp.Sub("repo");
        File.WriteAllText(System.IO.Path.Combine(repo, "Multimodal.sln"), "");
        Directory.CreateDirectory(System.IO.Path.Combine(repo, "models"));
        Directory.CreateSymbolicLink(System.IO.Path.Combine(repo, "models", "speech-digits"), SpeechFiles.Model);
        string exe = _temp.Sub(System.IO.Path.Combine("repo", "Multimodal.Cli", "bin"));
        string mine = _temp.Sub("my-models");
        var seven = SpeechFiles.CopyClip("7_george_0", _in);
        var env = new Dictionary<string, string> { ["MULTIMODAL_MODELS"] = mine };

        var byDefault = CliRun.Invoke(["transcribe", seven], env, baseDirectory: exe);
        var byName = CliRun.Invoke(["transcribe", "--model", "speech-digits", seven], env, baseDirectory: exe);

        Assert.That(byDefault.ExitCode, Is.EqualTo(ExitCodes.Success), byDefault.Error);
        Assert.That(byDefault.Out, Is.EqualTo($"{seven}\tseven\n"));
        Assert.That(byName.ExitCode, Is.EqualTo(ExitCodes.Success), byName.Error);
    }

    [Test]
    public void Digits_option_prints_numerals()
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in);

        var run = Transcribe(four, "--digits");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out.Trim(), Is.EqualTo($"{four}\t4"));
    }

    [TestCase("txt")]
    [TestCase("json")]
    [TestCase("srt")]
    [TestCase("vtt")]
    public void Out_writes_one_file_per_input_in_the_format(string format)
    {
        SpeechFiles.CopyClip("1_george_0", _in, "clip");

        var run = Transcribe(_in, "--out", _out, "--format", format);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Is.Empty, "with --out nothing goes to stdout");
        var text = File.ReadAllText(System.IO.Path.Combine(_out, "clip." + format));
        Assert.That(Directory.GetFiles(_out), Has.Length.EqualTo(1), "no temporary files are left");
        switch (format)
        {
            case "txt":
                Assert.That(text.Trim(), Is.EqualTo("one"));
                break;
            case "json":
                var json = JsonNode.Parse(text)!;
                Assert.That((string?)json["text"], Is.EqualTo("one"));
                Assert.That((string?)json["file"], Is.EqualTo("clip.wav"));
                Assert.That((double)json["duration"]!, Is.GreaterThan(0.2));
                break;
            case "srt":
                Assert.That(text, Does.StartWith("1\n").Or.StartWith("1\r\n"));
                Assert.That(text, Does.Match(@"00:00:\d\d,\d{3} --> 00:00:\d\d,\d{3}").And.Contain("one"));
                break;
            default:
                Assert.That(text, Does.StartWith("WEBVTT"));
                Assert.That(text, Does.Match(@"00:00:\d\d\.\d{3} --> 00:00:\d\d\.\d{3}").And.Contain("one"));
                break;
        }
    }

    // /proc refuses mkdir (ENOENT) and /sys new files (EACCES) even to root, so both run in the
    // tests; a plain folder without write permission is covered as a non-root user in OutputFolderTests.
    [TestCase("/proc/forbidden", "--out folder cannot be created: the system answers 'no such file")]
    [TestCase("/sys", "--out folder does not accept new files: ")]
    public void An_out_folder_that_cannot_take_files_is_one_error_before_any_input(string folder, string reason)
    {
        if (!Directory.Exists(Path.GetDirectoryName(folder)) || OutputFolderTests.Writable(folder))
        {
            Assert.Ignore($"{folder} can be written here, so it cannot show the refusal");
        }

        var four = SpeechFiles.CopyClip("4_george_0", _in);

        var run = Transcribe(four, "--out", folder);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single(),
            Does.StartWith($"error: {folder}: {reason}"));
        Assert.That(run.Out, Is.Empty);
    }

    [Test]
    public void An_out_folder_under_a_file_names_the_file_in_the_way()
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in);
        string file = System.IO.Path.Combine(_temp.Path, "notes.txt");
        File.WriteAllText(file, "a file, not a folder");
        string folder = System.IO.Path.Combine(file, "out");

        var run = Transcribe(four, "--out", folder);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error.Trim(),
            Is.EqualTo($"error: {folder}: --out folder cannot be created: {file} is a file, not a folder"));
    }

    [Test]
    public void An_output_that_is_a_link_to_nothing_is_written_not_counted_as_done()
    {
        SpeechFiles.CopyClip("4_george_0", _in, "a");
        Directory.CreateDirectory(_out);
        var dangling = System.IO.Path.Combine(_out, "a.txt");
        File.CreateSymbolicLink(dangling, "/nonexistent/a.txt");

        var run = Transcribe(_in, "--out", _out);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Error, Does.Contain("1 succeeded, 0 failed, 0 skipped"));
        Assert.That(File.ReadAllText(dangling).Trim(), Is.EqualTo("four"));
    }

    [Test]
    public void An_empty_output_is_written_again_and_a_link_to_a_finished_one_is_skipped()
    {
        SpeechFiles.CopyClip("4_george_0", _in, "a");
        SpeechFiles.CopyClip("7_george_0", _in, "b");
        Directory.CreateDirectory(_out);
        File.WriteAllText(System.IO.Path.Combine(_out, "a.txt"), "");
        string kept = System.IO.Path.Combine(_temp.Path, "kept.txt");
        File.WriteAllText(kept, "seven\n");
        File.CreateSymbolicLink(System.IO.Path.Combine(_out, "b.txt"), kept);

        var run = Transcribe(_in, "--out", _out);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Error, Does.Contain("1 succeeded, 0 failed, 1 skipped"));
        Assert.That(File.ReadAllText(System.IO.Path.Combine(_out, "a.txt")).Trim(), Is.EqualTo("four"));
    }

    [Test]
    public void Existing_outputs_are_skipped_unless_forced()
    {
        SpeechFiles.CopyClip("4_george_0", _in, "a");
        SpeechFiles.CopyClip("7_george_0", _in, "b");
        Directory.CreateDirectory(_out);
        var existing = System.IO.Path.Combine(_out, "a.txt");
        File.WriteAllText(existing, "kept\n");

        var skip = Transcribe(_in, "--out", _out);

        Assert.That(skip.ExitCode, Is.EqualTo(ExitCodes.Success), skip.Error);
        Assert.That(File.ReadAllText(existing), Is.EqualTo("kept\n"));
        Assert.That(File.ReadAllText(System.IO.Path.Combine(_out, "b.txt")).Trim(), Is.EqualTo("seven"));
        Assert.That(skip.Error, Does.Contain("1 succeeded, 0 failed, 1 skipped"));

        var forced = Transcribe(_in, "--out", _out, "--force");

        Assert.That(forced.ExitCode, Is.EqualTo(ExitCodes.Success), forced.Error);
        Assert.That(File.ReadAllText(existing).Trim(), Is.EqualTo("four"));
        Assert.That(forced.Error, Does.Contain("2 succeeded, 0 failed, 0 skipped"));
    }

    [Test]
    public void Bad_files_in_a_folder_cost_one_error_line_each_and_the_rest_is_written()
    {
        var good = SpeechFiles.CopyClip("4_george_0", _in, "good");
        File.WriteAllBytes(System.IO.Path.Combine(_in, "corrupt.wav"), File.ReadAllBytes(good)[..30]);
        File.WriteAllText(System.IO.Path.Combine(_in, "notes.mp3"), "this is text, not audio\n");
        File.WriteAllText(System.IO.Path.Combine(_in, "readme.txt"), "not an audio extension: left out\n");

        var run = Transcribe(_in, "--out", _out, "--jobs", "2");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        var errors = ErrorLines(run);
        Assert.That(errors, Has.Length.EqualTo(2), run.Error);
        Assert.That(errors[0], Does.StartWith($"error: {System.IO.Path.Combine(_in, "corrupt.wav")}: "));
        Assert.That(errors[1], Does.StartWith($"error: {System.IO.Path.Combine(_in, "notes.mp3")}: ")
            .And.Contain("not a WAV or MP3"));
        Assert.That(run.Error, Does.Not.Contain("readme.txt"));
        Assert.That(run.Error, Does.Contain("1 succeeded, 2 failed, 0 skipped"));
        Assert.That(File.ReadAllText(System.IO.Path.Combine(_out, "good.txt")).Trim(), Is.EqualTo("four"));
    }

    [Test]
    public void An_out_folder_it_made_is_removed_again_when_every_input_fails()
    {
        File.WriteAllText(System.IO.Path.Combine(_in, "notes.mp3"), "this is text, not audio\n");
        string nested = System.IO.Path.Combine(_out, "texts");

        var run = Transcribe(_in, "--out", nested);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error, Does.Contain("0 succeeded, 1 failed, 0 skipped"));
        Assert.That(Directory.Exists(_out), Is.False, "an empty --out folder (and its parent) left behind");
    }

    [Test]
    public void A_missing_path_is_an_error_line_and_the_others_still_print()
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in);
        var missing = System.IO.Path.Combine(_temp.Path, "nowhere.wav");

        var run = Transcribe(missing, four);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(ErrorLines(run), Is.EqualTo(new[] { $"error: {missing}: no such file or folder" }));
        Assert.That(run.Out.Trim(), Is.EqualTo($"{four}\tfour"));
    }

    // A bad input named twice printed its error line twice and counted two failures of one file.
    [Test]
    public void A_bad_path_given_twice_is_one_error_and_one_failure()
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in);
        var missing = System.IO.Path.Combine(_temp.Path, "nowhere.wav");
        var pipe = System.IO.Path.Combine(_in, "pipe.wav");
        NamedPipes.Make(pipe);

        var run = Transcribe(missing, missing, pipe, _in, System.IO.Path.Combine(_temp.Path, ".", "nowhere.wav"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(ErrorLines(run), Is.EqualTo(new[]
        {
            $"error: {missing}: no such file or folder",
            $"error: {pipe}: a named pipe, not a file: inputs are read from files (save the stream to one first)",
        }));
        Assert.That(run.Error, Does.Contain("1 succeeded, 2 failed, 0 skipped"));
        Assert.That(run.Out.Trim(), Is.EqualTo($"{four}\tfour"));
    }

    // Two inputs that make one output file: the later one is still read, so a bad file says what
    // is wrong with it rather than that it clashes; one that reads fine is not written (the
    // earlier one's transcript stays) and names the file that writes it. A rerun does not take
    // the earlier one's file for the later one's.
    [Test]
    public void A_later_input_with_the_same_output_name_says_its_own_error_before_the_clash()
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in, "x");
        string junk = System.IO.Path.Combine(_in, "x.mp3");
        File.WriteAllText(junk, "this is text, not audio\n");
        var seven = SpeechFiles.CopyClip("7_george_0", _temp.Sub("other"), "x");
        string written = System.IO.Path.Combine(_out, "x.txt");

        var run = Transcribe(four, junk, seven, "--out", _out);
        var rerun = Transcribe(four, junk, seven, "--out", _out);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        var errors = ErrorLines(run);
        Assert.That(errors, Has.Length.EqualTo(2), run.Error);
        Assert.That(errors[0], Does.StartWith($"error: {junk}: ").And.Contain("not a WAV or MP3"));
        Assert.That(errors[1], Is.EqualTo(
            $"error: {seven}: would write {written}, which {four} writes too; rename one"));
        Assert.That(File.ReadAllText(written).Trim(), Is.EqualTo("four"));
        Assert.That(rerun.Error, Does.Contain("0 succeeded, 2 failed, 1 skipped"), rerun.Error);
    }

    // An output that would replace an input (a WAV named .txt, transcribed into its own folder)
    // is not written, with or without --force, and a rerun does not take the input for its output.
    [Test]
    public void An_output_that_is_an_input_of_the_run_is_never_written()
    {
        string rec = System.IO.Path.Combine(_in, "rec.txt");
        File.Copy(SpeechFiles.CopyClip("4_george_0", _temp.Sub("src")), rec);
        byte[] audio = File.ReadAllBytes(rec);

        var run = Transcribe(rec, "--out", _in);
        var forced = Transcribe(rec, "--out", _in, "--force");

        foreach (var r in new[] { run, forced })
        {
            Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Failure), r.Error);
            Assert.That(ErrorLines(r), Is.EqualTo(new[]
            {
                $"error: {rec}: would write {rec}, which is an input of this run; write to another --out folder",
            }));
        }

        Assert.That(File.ReadAllBytes(rec), Is.EqualTo(audio), "the input is untouched");
    }

    // A symbolic link whose target is gone, given or found in a folder, is one line saying so
    // (the decoder's own text was "cannot open: Could not find file '...'").
    [Test]
    public void A_link_to_a_missing_file_says_so()
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in);
        string gone = System.IO.Path.Combine(_temp.Path, "gone.wav");
        string link = System.IO.Path.Combine(_in, "link.wav");
        File.CreateSymbolicLink(link, gone);

        var inFolder = Transcribe(_in);
        var given = Transcribe(link);

        string expected = $"error: {link}: a link to {gone}, which does not exist";
        Assert.That(ErrorLines(inFolder), Is.EqualTo(new[] { expected }), inFolder.Error);
        Assert.That(inFolder.Out.Trim(), Is.EqualTo($"{four}\tfour"));
        Assert.That(ErrorLines(given), Is.EqualTo(new[] { expected }), given.Error);
    }

    // On a terminal the result lines share the screen with the progress display: a live bar
    // redraws itself by moving the cursor up, over the lines printed since, so without --out the
    // progress is plain lines (no cursor movement) and every result stays; with --out (nothing on
    // stdout) the live bar is kept.
    [Test]
    public void On_a_terminal_result_lines_are_not_drawn_over_by_the_progress_bar()
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in);
        var seven = SpeechFiles.CopyClip("7_george_0", _in);
        var term = new Dictionary<string, string> { ["TERM"] = "xterm-256color" };

        var lines = CliRun.Invoke(["transcribe", "--model", SpeechFiles.Model, four, seven], term, terminal: true);
        var files = CliRun.Invoke(["transcribe", "--model", SpeechFiles.Model, four, seven, "--out", _out], term,
            terminal: true);

        Assert.That(lines.ExitCode, Is.EqualTo(ExitCodes.Success), lines.Error);
        Assert.That(lines.Out, Is.EqualTo($"{four}\tfour\n{seven}\tseven\n").Using(StringComparer.Ordinal)
            .Or.EqualTo($"{four}\tfour\r\n{seven}\tseven\r\n"));
        Assert.That(lines.Error, Does.Not.Contain("\u001b["), "no cursor movement while results print");
        Assert.That(files.ExitCode, Is.EqualTo(ExitCodes.Success), files.Error);
        Assert.That(files.Error, Does.Contain("\u001b["), "the live bar, when stdout takes no results");
    }

    // A folder where an output file would go is said before that file is transcribed, in the
    // error line's form, not as the system's "Is a directory" after the work; the others are written.
    [Test]
    public void A_folder_in_the_place_of_an_output_file_is_one_error_line()
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in);
        var seven = SpeechFiles.CopyClip("7_george_0", _in);
        string blocked = System.IO.Path.Combine(_out, "7_george_0.txt");
        Directory.CreateDirectory(blocked);

        var run = Transcribe(four, seven, "--out", _out);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Error);
        Assert.That(ErrorLines(run),
            Is.EqualTo(new[] { $"error: {seven}: cannot write {blocked}: a folder is in the way" }));
        Assert.That(File.ReadAllText(System.IO.Path.Combine(_out, "4_george_0.txt")).Trim(), Is.EqualTo("four"));
    }

    // A named pipe (given directly or lying in a folder) would block the read for ever, or fail
    // with .NET's "Stream does not support seeking": one line says what it is; the rest goes on.
    [Test]
    public void A_named_pipe_is_one_error_line_and_never_waited_on()
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in);
        string pipe = System.IO.Path.Combine(_in, "pipe.wav"), alone = System.IO.Path.Combine(_temp.Path, "p.wav");
        NamedPipes.Make(pipe, alone);

        var run = Task.Run(() => Transcribe(alone, _in));
        Assert.That(run.Wait(TimeSpan.FromSeconds(120)), Is.True, "the pipes were opened and waited on");

        Assert.That(run.Result.ExitCode, Is.EqualTo(ExitCodes.Failure), run.Result.Error);
        var reason = "a named pipe, not a file: inputs are read from files (save the stream to one first)";
        Assert.That(ErrorLines(run.Result),
            Is.EqualTo(new[] { $"error: {alone}: {reason}", $"error: {pipe}: {reason}" }));
        Assert.That(run.Result.Out.Trim(), Is.EqualTo($"{four}\tfour"));
    }

    // The system answers "no such file" for a name it could never hold; say why instead.
    [Test]
    public void A_path_with_a_name_over_255_bytes_says_the_name_is_too_long()
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in);
        var tooLong = System.IO.Path.Combine(_temp.Path, new string('x', 256) + ".wav");

        var run = Transcribe(tooLong, four);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(ErrorLines(run), Is.EqualTo(new[]
        {
            $"error: {tooLong}: a name in the path is too long (at most 255 bytes a name)",
        }));
        Assert.That(run.Out.Trim(), Is.EqualTo($"{four}\tfour"));
    }

    // Every name fits but the whole path is over the system's 4095 bytes: it was "no such file or
    // folder", even for a file that is there (made by a shell from a deep current folder).
    [Test]
    public void A_path_too_long_in_full_says_so_rather_than_missing()
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in);
        var deep = System.IO.Path.Combine(_temp.Path,
            string.Join('/', Enumerable.Repeat(new string('d', 200), 22)), "x.wav");
        int bytes = System.Text.Encoding.UTF8.GetByteCount(deep);

        var run = Transcribe(deep, four);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(ErrorLines(run), Is.EqualTo(new[]
        {
            $"error: {deep}: the path is too long: {bytes} bytes in full, the system takes at most 4095",
        }));
        Assert.That(run.Out.Trim(), Is.EqualTo($"{four}\tfour"));
    }

    [Test]
    public void Without_model_option_the_bundled_model_is_found_from_the_repository_root()
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in);

        var run = CliRun.Invoke(["transcribe", four], baseDirectory: TestContext.CurrentContext.TestDirectory);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out.Trim(), Is.EqualTo($"{four}\tfour"));
    }

    [Test]
    public void A_model_folder_that_does_not_exist_is_one_error_line()
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in);
        var nowhere = System.IO.Path.Combine(_temp.Path, "no-model");

        var run = CliRun.Invoke(["transcribe", four, "--model", nowhere]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(ErrorLines(run), Is.EqualTo(new[] { $"error: {nowhere}: model directory does not exist" }));
    }

    // A file given for --model was "model directory does not exist", which sent the user looking
    // for something that is there; a file in a model folder (its weights, its config.json) names
    // the folder to give instead.
    [Test]
    public void A_file_given_as_the_model_says_it_is_a_file_not_a_model_folder()
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in);
        string config = System.IO.Path.Combine(SpeechFiles.Model, "config.json");

        var wav = CliRun.Invoke(["transcribe", four, "--model", four]);
        var inModel = CliRun.Invoke(["transcribe", four, "--model", config]);

        Assert.That(wav.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(ErrorLines(wav), Is.EqualTo(new[] { $"error: {four}: is a file, not a model folder" }));
        Assert.That(inModel.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(ErrorLines(inModel), Is.EqualTo(new[]
        {
            $"error: {config}: is a file, not a model folder (give its folder: {SpeechFiles.Model})",
        }));
    }

    // A 230-character name gives a legal 234-byte transcript name, but the temporary file it was
    // written through (".<name>.<32 hex>.tmp") was over the 255-byte limit: the file failed in
    // .NET's words. Names near the limit, in ASCII and in 2- and 3-byte UTF-8, are written now; an
    // output name over the limit (a 255-byte .wav gives a 256-byte .json) is one line before the
    // work, naming the file.
    [Test]
    public void Output_names_up_to_255_bytes_are_written_and_longer_ones_are_one_error_line()
    {
        string[] stems = [new string('a', 230), new string('b', 250), new string('é', 125), new string('字', 83)];
        foreach (string stem in stems)
        {
            SpeechFiles.CopyClip("4_george_0", _in, stem);
        }

        string tooLong = SpeechFiles.CopyClip("7_george_0", _temp.Sub("long"), new string('c', 251));

        var run = Transcribe(_in, "--out", _out, "--format", "txt");
        var json = Transcribe(tooLong, "--out", _out, "--format", "json");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(Directory.GetFiles(_out).Select(System.IO.Path.GetFileName),
            Is.EquivalentTo(stems.Select(stem => stem + ".txt")), "each written, no temporary file left");
        Assert.That(stems.Select(stem => File.ReadAllText(System.IO.Path.Combine(_out, stem + ".txt")).Trim()),
            Is.All.EqualTo("four"));
        Assert.That(json.ExitCode, Is.EqualTo(ExitCodes.Failure));
        string target = System.IO.Path.Combine(_out, new string('c', 251) + ".json");
        Assert.That(ErrorLines(json), Is.EqualTo(new[]
        {
            $"error: {tooLong}: cannot write {target}: file name too long: 256 bytes, the limit is 255",
        }));
        Assert.That(File.Exists(target), Is.False);
    }

    // A value config.json holds but the model cannot use is named as the user wrote it, like a
    // type error ("is 13.5, expected a whole number"), not as a C# property with "(Parameter ...)".
    [TestCase("architecture", "hidden", -5, "\"architecture.hidden\" must be 1..8192; got -5")]
    [TestCase("architecture", "layers", 100_000, "\"architecture.layers\" must be 1..64; got 100000")]
    [TestCase("preprocessing", "n_mels", 100_000_000, "\"preprocessing.n_mels\" must be 1..512; got 100000000")]
    [TestCase("preprocessing", "hop_seconds", 0,
        "\"preprocessing.hop_seconds\" must be 1 sample .. one window (0.025 s); got 0")]
    public void A_model_config_value_out_of_range_is_one_error_line_naming_its_key(
        string section, string key, double value, string reason)
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in);
        var model = _temp.Sub("cfgmod");
        var config = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(SpeechFiles.Model, "config.json")))!;
        config[section]![key] = value;
        string configPath = System.IO.Path.Combine(model, "config.json");
        File.WriteAllText(configPath, config.ToJsonString());

        var run = CliRun.Invoke(["transcribe", four, "--model", model]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(ErrorLines(run),
            Is.EqualTo(new[] { $"error: {model}: not a usable speech model: {configPath}: {reason}" }));
    }

    [Test]
    public void A_float_wav_with_samples_far_outside_full_scale_is_one_error_line_with_the_reason()
    {
        // 32-bit float mono at 8 kHz, 1 s at 1e18: its power spectrum would overflow to "mean NaN".
        string huge = System.IO.Path.Combine(_in, "huge.wav");
        using (var w = new BinaryWriter(File.Create(huge)))
        {
            w.Write("RIFF"u8);
            w.Write(36 + 4 * 8000);
            w.Write("WAVEfmt "u8);
            w.Write(16);
            w.Write((short)3);
            w.Write((short)1);
            w.Write(8000);
            w.Write(4 * 8000);
            w.Write((short)4);
            w.Write((short)32);
            w.Write("data"u8);
            w.Write(4 * 8000);
            for (int i = 0; i < 8000; i++) w.Write(1e18f);
        }

        var run = Transcribe(huge);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(ErrorLines(run), Is.EqualTo(new[]
        {
            $"error: {huge}: sample at 0 s is 1e+18, far outside [-1, 1] (past 1e+12 the features overflow): " +
            "the audio is corrupt",
        }));
    }

    [Test]
    public void Format_without_out_is_a_usage_error_not_ignored()
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in);

        var run = Transcribe(four, "--format", "json");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(ErrorLines(run).Single(), Does.Contain("--format needs --out"));
        Assert.That(run.Out, Is.Empty);
    }

    [Test]
    public void A_file_given_twice_is_transcribed_once_with_a_warning()
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in);

        var run = Transcribe(four, _in, four);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out.Trim(), Is.EqualTo($"{four}\tfour"));
        var warnings = run.Error.Split('\n').Where(l => l.StartsWith("warning: ", StringComparison.Ordinal)).ToArray();
        Assert.That(warnings, Has.Length.EqualTo(2), run.Error);
        Assert.That(warnings[0], Does.Contain("given more than once").And.Contain("transcribed once"));
        // Each says how the file was given again, rather than naming its own path twice.
        Assert.That(warnings[0], Is.EqualTo(
            $"warning: {four}: given more than once (directly and in folder {_in}); transcribed once"));
        Assert.That(warnings[1], Is.EqualTo(
            $"warning: {four}: given more than once (the same path twice); transcribed once"));
    }

    [Test]
    public void An_interrupted_batch_says_how_far_it_got_and_exits_130()
    {
        var four = SpeechFiles.CopyClip("4_george_0", _in);
        var seven = SpeechFiles.CopyClip("7_george_0", _in);
        var output = new StringWriter();
        var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = output, Error = error, GetVariable = _ => null, BaseDirectory = TempFolder.EmptyBase,
        };
        using var cts = new CancellationTokenSource();
        cts.Cancel();   // as Ctrl-C does, here before the first file starts

        int code = CliApp.RunAsync(["transcribe", "--model", SpeechFiles.Model, four, seven], environment, cts.Token)
            .GetAwaiter().GetResult();

        Assert.That(code, Is.EqualTo(ExitCodes.Interrupted), error.ToString());
        // The last line, after the plain progress lines of a redirected stderr; the bar's own last
        // line says interrupted too (it said "done 0/2" before).
        var lines = error.ToString().Trim().Split(Environment.NewLine);
        Assert.That(lines[^1], Is.EqualTo("interrupted: 0 of 2 files done (0 succeeded, 0 failed, 0 skipped)"));
        Assert.That(lines[^2], Does.StartWith("transcribe: interrupted at 0/2 in "));
        Assert.That(output.ToString(), Is.Empty);
    }

    [Test]
    public void Tabs_and_newlines_in_file_names_are_escaped_on_stdout()
    {
        var odd = SpeechFiles.CopyClip("4_george_0", _in, "a\tb\nc\\d");

        var run = Transcribe(odd);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        string expected = System.IO.Path.Combine(_in, "a\\tb\\nc\\\\d.wav") + "\tfour";
        Assert.That(run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void A_wav_whose_header_says_no_data_is_recovered_with_a_warning()
    {
        // The data chunk's size field is 0 (a recording never finalised) while the audio follows it.
        var four = SpeechFiles.CopyClip("4_george_0", _in);
        byte[] bytes = File.ReadAllBytes(four);
        int data = System.Text.Encoding.ASCII.GetString(bytes).IndexOf("data", StringComparison.Ordinal);
        Array.Clear(bytes, data + 4, 4);
        File.WriteAllBytes(four, bytes);

        var run = Transcribe(four);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out.Trim(), Is.EqualTo($"{four}\tfour"));
        Assert.That(run.Error, Does.Contain($"warning: {four}: ").And.Contain("data"));
    }

    [TestCase("transcribe", "--digits")]
    [TestCase("eval speech", "--manifest")]
    public void Help_works_without_the_required_arguments(string verb, string option)
    {
        var run = CliRun.Invoke([.. verb.Split(' '), "--help"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain(option));
        Assert.That(run.Error, Is.Empty);
    }

    // A format in capitals is the same format; the file keeps the lower-case extension.
    [Test]
    public void Format_is_read_in_any_case()
    {
        SpeechFiles.CopyClip("1_george_0", _in, "clip");

        var run = Transcribe(_in, "--out", _out, "--format", "SRT");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(File.ReadAllText(System.IO.Path.Combine(_out, "clip.srt")), Does.Contain(" --> "));
    }

    [TestCase("--beam", "2000")]
    [TestCase("--format", "doc")]
    public void Bad_option_values_are_usage_errors(string option, string value)
    {
        var run = CliRun.Invoke(["transcribe", "x.wav", option, value]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(ErrorLines(run), Has.Length.EqualTo(1));
        Assert.That(ErrorLines(run)[0], Does.Contain(value));
    }
}
