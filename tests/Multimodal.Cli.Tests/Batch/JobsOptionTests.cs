using System.CommandLine;
using Multimodal.Cli.Batch;

namespace Multimodal.Cli.Tests.Batch;

[TestFixture]
public sealed class JobsOptionTests
{
    [TestCase("verb", 1)]
    [TestCase("verb -j 3", 3)]
    [TestCase("verb --jobs 16", 16)]
    [TestCase("verb --jobs 0", 0)]
    public void Parses_the_number_of_jobs(string line, int expected)
    {
        var jobs = JobsOption.Create();
        var parse = new RootCommand { new Command("verb") { jobs } }.Parse(line);

        Assert.That(parse.Errors, Is.Empty);
        Assert.That(parse.GetValue(jobs), Is.EqualTo(expected));
    }

    [TestCase("verb -j 257", "got 257")]
    [TestCase("verb --jobs -2", "got -2")]
    [TestCase("verb --jobs many", "many")]
    public void Rejects_bad_values_naming_them(string line, string expected)
    {
        var parse = new RootCommand { new Command("verb") { JobsOption.Create() } }.Parse(line);

        Assert.That(parse.Errors.Select(e => e.Message), Has.Some.Contains(expected));
    }

    [Test]
    public void Zero_means_every_core()
    {
        Assert.That(JobsOption.Resolve(0), Is.EqualTo(Math.Clamp(Environment.ProcessorCount, 1, JobsOption.Max)));
        Assert.That(JobsOption.Resolve(3), Is.EqualTo(3));
    }

    [TestCase("transcribe")]
    [TestCase("caption")]
    [TestCase("eval caption")]
    public void Every_verb_with_jobs_accepts_0_and_says_what_it_means(string verb)
    {
        var help = Support.CliRun.Invoke([.. verb.Split(' '), "--help"]);
        var zero = Support.CliRun.Invoke([.. verb.Split(' '), "--jobs", "0"]);

        Assert.That(help.Out, Does.Match(@"--jobs <n>\s+[^\n]*\b0[:\s]"));
        Assert.That(zero.Error, Does.Not.Contain("--jobs"), "0 is accepted where --jobs is parsed");
    }
}
