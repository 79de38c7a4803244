using Multimodal.Cli.Hosting;
using Multimodal.Cli.Models;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Models;

[TestFixture]
public sealed class ModelsFolderTests
{
    [Test]
    public void Models_dir_naming_a_file_says_so()
    {
        using var temp = new TempFolder();
        var file = Path.Combine(temp.Path, "models.txt");
        File.WriteAllText(file, "not a folder");

        var run = CliRun.Invoke(["models", "--models-dir", file]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error.Trim(), Is.EqualTo($"error: {file}: is a file, not a folder (from --models-dir)"));
    }

    // `models` refuses a $MULTIMODAL_MODELS that names no folder; a verb finding its default model
    // goes on with the bundled ones but says it skipped the variable (it was silent).
    [Test]
    public void A_models_variable_naming_no_folder_is_a_warning_for_a_verb_looking_for_its_model()
    {
        using var temp = new TempFolder();
        string nowhere = Path.Combine(temp.Path, "no-such-models");
        var variables = new Dictionary<string, string> { [ModelsFolder.Variable] = nowhere };

        var run = CliRun.Invoke(["transcribe", "-q", Path.Combine(SpeechFiles.RepositoryRoot, "examples", "speech",
            "four-one-seven.wav")], variables, SpeechFiles.RepositoryRoot);
        var named = CliRun.Invoke(["transcribe", "-q", "--model", "speech-digits", Path.Combine(
            SpeechFiles.RepositoryRoot, "examples", "speech", "four-one-seven.wav")], variables,
            SpeechFiles.RepositoryRoot);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain("four one seven"));
        string warning = $"warning: $MULTIMODAL_MODELS: {nowhere} is not a folder; looking in the bundled " +
            "models folders only";
        Assert.That(run.Error.Trim(), Is.EqualTo(warning));
        Assert.That(named.ExitCode, Is.EqualTo(ExitCodes.Success), named.Error);
        Assert.That(named.Error.Trim(), Is.EqualTo(warning));
    }

    // File.Exists is true for a link that leads in a circle or nowhere; it was called a file.
    [Test]
    public void Models_dir_naming_a_broken_link_says_what_is_wrong_with_it()
    {
        using var temp = new TempFolder();
        string loop = Path.Combine(temp.Path, "loop"), gone = Path.Combine(temp.Path, "gone");
        File.CreateSymbolicLink(loop, loop);
        File.CreateSymbolicLink(gone, Path.Combine(temp.Path, "nowhere"));

        var looped = CliRun.Invoke(["models", "--models-dir", loop]);
        var missing = CliRun.Invoke(["models", "--models-dir", gone]);

        Assert.That(looped.Error.Trim(), Is.EqualTo(
            $"error: {loop}: is a symbolic link that leads back to itself (from --models-dir)"));
        string nowhere = Path.Combine(temp.Path, "nowhere");
        Assert.That(missing.Error.Trim(), Is.EqualTo(
            $"error: {gone}: is a link to {nowhere}, which does not exist (from --models-dir)"));
    }

    [Test]
    public void The_environment_variable_naming_a_file_says_so()
    {
        using var temp = new TempFolder();
        var file = Path.Combine(temp.Path, "models.txt");
        File.WriteAllText(file, "not a folder");
        var environment = new CliEnvironment
        {
            Out = TextWriter.Null,
            Error = TextWriter.Null,
            GetVariable = name => name == ModelsFolder.Variable ? file : null,
            BaseDirectory = TempFolder.EmptyBase,
        };

        var error = Assert.Throws<CliException>(() => ModelsFolder.Locate(null, environment));

        Assert.That(error!.Reason, Is.EqualTo($"is a file, not a folder (from ${ModelsFolder.Variable})"));
    }
}
