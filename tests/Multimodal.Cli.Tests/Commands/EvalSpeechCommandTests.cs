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

    [Test]
    public void Json_prints_one_object_with_wer_cer_rtf_and_utterances()
    {
        var run = CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", _manifest, "--json"]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        var json = JsonNode.Parse(run.Out)!.AsObject();
        Assert.That(json.Select(p => p.Key), Is.EqualTo(new[] { "wer", "cer", "rtf", "utterances" }));
        Assert.That((double)json["wer"]!, Is.EqualTo(0.5).Within(1e-12));
        Assert.That((double)json["cer"]!, Is.EqualTo(4.0 / 9).Within(1e-12));
        Assert.That((double)json["rtf"]!, Is.GreaterThan(0).And.LessThan(10));
        Assert.That((int)json["utterances"]!, Is.EqualTo(2));
    }

    [Test]
    public void Text_output_names_each_figure()
    {
        var run = CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", _manifest]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Error);
        Assert.That(run.Out, Does.Contain("WER  50.00%").And.Contain("CER  44.44%").And.Contain("RTF  ")
            .And.Contain("utterances  2"));
    }

    [Test]
    public void A_missing_manifest_is_one_error_line()
    {
        var missing = System.IO.Path.Combine(_temp.Path, "none.tsv");

        var run = CliRun.Invoke(["eval", "speech", "--model", SpeechFiles.Model, "--manifest", missing]);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Error.Trim(), Is.EqualTo($"error: {missing}: manifest does not exist"));
    }
}
