using System.CommandLine;
using System.Globalization;
using Multimodal.Cli.Hosting;

namespace Multimodal.Cli.Commands;

/// <summary>
/// <c>multimodal train speech --manifest FILE.tsv --out DIR [...]</c>: trains a CTC acoustic model
/// on a manifest with a progress bar, per-epoch validation WER/CER, checkpoints under
/// DIR/checkpoints and <c>--resume</c>; writes a model directory <c>transcribe --model DIR</c> runs.
/// Other pipelines add their own <c>train</c> subcommands here.
/// </summary>
public sealed class TrainCommand : ICommandModule
{
    /// <inheritdoc />
    public Command Build(CliContext context) =>
        new("train", "Train a model on a labelled data set")
        {
            Speech(context),
            Captioning.TrainCaptionCommand.Build(context),
            Video.TrainVideoPredictCommand.Build(context),
            Emotion.TrainEmotionCommand.Build(context),
        };

    private static Command Speech(CliContext context)
    {
        var manifest = Text("--manifest", "TSV of path<TAB>transcript rows; paths relative to its folder", "file.tsv");
        manifest.Required = true;
        var outDir = Text("--out", "Model directory to write (checkpoints go to DIR/checkpoints)", "dir");
        outDir.Required = true;
        var valid = Text("--valid", "Validation manifest (default: hold out --valid-fraction of the rows)", "file.tsv");
        var fraction = Number("--valid-fraction", "Share of rows held out for validation without --valid", 0.1, 0, 0.9);
        var epochs = Count("--epochs", "Passes over the training set", 10, 1, 100_000);
        var batch = Count("--batch", "Utterances per batch", 16, 1, 4096);
        var hidden = Count("--hidden", "Hidden units per direction", 96, 1, 4096);
        var layers = Count("--layers", "Recurrent layers", 2, 1, 32);
        var cell = Choice("--cell", "Recurrent cell", "gru", "gru", "lstm");
        var lr = Number("--lr", "Peak learning rate (AdamW, warm-up then cosine)", 2e-3, 1e-7, 1);
        var vocab = Choice("--vocab", "Output tokens: whole words or characters", "words", "words", "chars");
        var rate = Count("--sample-rate", "Sample rate the audio is resampled to (Hz)", 16000, 1000, 192_000);
        var seed = Count("--seed", "Seed of the split, weights, batch order and masks", 1, 0, int.MaxValue);
        var resume = new Option<bool>("--resume") { Description = "Continue from the newest checkpoint in DIR" };
        var command = new Command("speech", "Train a CTC speech model on a manifest")
        {
            manifest, outDir, valid, fraction, epochs, batch, hidden, layers, cell, lr, vocab, rate, seed, resume,
        };
        command.SetAction((parse, ct) => Task.FromResult(SpeechTrainingRun.Run(context, parse, new TrainSpeechSettings(
            parse.GetValue(manifest)!, parse.GetValue(outDir)!, parse.GetValue(valid), parse.GetValue(fraction),
            parse.GetValue(epochs), parse.GetValue(batch), parse.GetValue(hidden), parse.GetValue(layers),
            parse.GetValue(cell)!, (float)parse.GetValue(lr), parse.GetValue(vocab) == "chars",
            parse.GetValue(rate), (ulong)parse.GetValue(seed), parse.GetValue(resume)), ct)));
        return command;
    }

    private static Option<string?> Text(string name, string description, string helpName) =>
        new(name) { Description = description, HelpName = helpName };

    private static Option<string> Choice(string name, string description, string fallback, params string[] values)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            DefaultValueFactory = _ => fallback,
            HelpName = string.Join('|', values),
        };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    private static Option<int> Count(string name, string description, int fallback, int min, int max)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.Validators.Add(result =>
        {
            var token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            if (int.TryParse(token, CultureInfo.InvariantCulture, out var n) && (n < min || n > max))
            {
                result.AddError($"{name} must be between {min} and {max}; got {n}");
            }
        });
        return option;
    }

    private static Option<double> Number(string name, string description, double fallback, double min, double max)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.Validators.Add(result =>
        {
            var token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            if (double.TryParse(token, CultureInfo.InvariantCulture, out var x) && (x < min || x > max))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture,
                    $"{name} must be between {min} and {max}; got {x}"));
            }
        });
        return option;
    }
}
