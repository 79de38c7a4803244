using System.CommandLine;
using Multimodal.Cli.Batch;

namespace Multimodal.Cli.Tests.Batch;

[TestFixture]
public sealed class JobsOptionTests
{
    [TestCase("verb", 1)]
    [TestCase("verb -j 3", 3)]
    [TestCase("verb --jobs 16", 16)]
    public void Parses_the_number_of_jobs(string line, int expected)
    {
        var jobs = JobsOption.Create();
        var parse = new RootCommand { new Command("verb") { jobs } }.Parse(line);

        Assert.That(parse.Errors, Is.Empty);
        Assert.That(parse.GetValue(jobs), Is.EqualTo(expected));
    }

    [TestCase("verb -j 0", "got 0")]
    [TestCase("verb --jobs -2", "got -2")]
    [TestCase("verb --jobs many", "many")]
    public void Rejects_bad_values_naming_them(string line, string expected)
    {
        var parse = new RootCommand { new Command("verb") { JobsOption.Create() } }.Parse(line);

        Assert.That(parse.Errors.Select(e => e.Message), Has.Some.Contains(expected));
    }
}
