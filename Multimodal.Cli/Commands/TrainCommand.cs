using System.CommandLine;
using Multimodal.Cli.Hosting;
using static Multimodal.Cli.Hosting.OptionBuilders;

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
        var manifest = PathOption("--manifest", "TSV of path<TAB>transcript rows; paths relative to its folder",
            "file.tsv", required: true);
        var outDir = Folder("--out", "Model directory to write (checkpoints go to DIR/checkpoints)", required: true);
        var valid = PathOption("--valid", "Validation manifest (default: hold out --valid-fraction of the rows)",
            "file.tsv");
        var fraction = Number("--valid-fraction", "Share of rows held out for validation without --valid", 0.1, 0, 0.9);
        var epochs = Count("--epochs", "Passes over the training set", 10, 1, 100_000);
        var batch = Count("--batch", "Utterances per batch", 16, 1, 4096);
        var hidden = Count("--hidden", "Hidden units per direction", 96, 1, 4096);
        var layers = Count("--layers", "Recurrent layers", 2, 1, 32);
        var cell = Choice("--cell", "Recurrent cell", "gru", "gru", "lstm");
        var lr = Number("--lr", "Peak learning rate (AdamW, warm-up then cosine)", 2e-3, 1e-7, 1);
        var vocab = Choice("--vocab", "Output tokens: whole words or characters", "words", "words", "chars");
        var rate = Count("--sample-rate", "Sample rate the audio is resampled to (Hz)", 16000, 1000, 192_000);
        var init = Folder("--init", "Start from the model in this directory: its layers of the same shape and " +
            "the output weights of the tokens both have (fine-tuning)");
        var force = EarlierRun.ForceOption();
        var mfcc = Count("--mfcc", "Read N MFCCs of the 40 log-mel bands instead of the bands (0: the bands)",
            0, 0, 40);
        var seed = Count("--seed",
            "Seed of the split, weights, batch order and masks (--resume needs the checkpoint's seed)", 1, 0,
            int.MaxValue);
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue from the newest checkpoint in DIR (refused, before any audio is decoded, when " +
                "a manifest or --seed, --batch, --valid-fraction, --hidden, --layers, --cell, --vocab, " +
                "--sample-rate, --mfcc, --dropout-percent, --speed-percent or --wave differ from the checkpoint's)",
        };
        var speed = Count("--speed-percent",
            "Also train on each utterance played P% slower and P% faster (0: off)", 0, 0, 50);
        var wave = new Option<bool>("--wave")
        {
            Description = "Add copies with random EQ, band limits, reverberation and noise (the speed copies, " +
                "or one copy per utterance without --speed-percent)",
        };
        var dropout = Count("--dropout-percent", "Dropout between recurrent layers, in percent", 10, 0, 90);
        var command = new Command("speech", "Train a CTC speech model on a manifest")
        {
            manifest, outDir, valid, fraction, epochs, batch, hidden, layers, cell, lr, vocab, rate, seed, resume,
            speed, wave, dropout, mfcc, init, force,
        };
        EarlierRun.RefuseBoth(command, resume, force);
        command.SetAction((parse, ct) => Task.Run(() => TrainingInterrupt.Run(context, "train speech",
            Path.Combine(parse.GetValue(outDir)!, "checkpoints"), ct,
            () => SpeechTrainingRun.Run(context, parse, new TrainSpeechSettings(
            parse.GetValue(manifest)!, parse.GetValue(outDir)!, parse.GetValue(valid), parse.GetValue(fraction),
            parse.GetValue(epochs), parse.GetValue(batch), parse.GetValue(hidden), parse.GetValue(layers),
            parse.GetValue(cell)!, (float)parse.GetValue(lr), parse.GetValue(vocab) == "chars",
            parse.GetValue(rate), (ulong)parse.GetValue(seed), parse.GetValue(resume), parse.GetValue(speed),
            parse.GetValue(wave), parse.GetValue(dropout), parse.GetValue(mfcc), parse.GetValue(init)),
            parse.GetValue(force), ct))));
        return command;
    }
}
