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
