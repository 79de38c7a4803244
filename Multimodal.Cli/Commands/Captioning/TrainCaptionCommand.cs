using System.CommandLine;
using Multimodal.Cli.Hosting;
using Pipelines.Captioning.Training;
using static Multimodal.Cli.Commands.Captioning.CaptionOptions;
using static Multimodal.Cli.Hosting.OptionBuilders;

namespace Multimodal.Cli.Commands.Captioning;

/// <summary>
/// <c>multimodal train caption --images DIR --captions FILE --out DIR [...]</c>: encodes every image
/// once into a resumable feature cache, trains the LSTM decoder on the cached features with a
/// progress bar, validation BLEU per epoch on images held out of the training split, early
/// stopping, checkpoints and <c>--resume</c>; writes a model directory <c>caption --model DIR</c> runs.
/// </summary>
public static class TrainCaptionCommand
{
    /// <summary>The <c>caption</c> subcommand of <c>train</c>.</summary>
    public static Command Build(CliContext context)
    {
        var images = Folder("--images", "Folder the caption file's image names are relative to", required: true);
        var captions = PathOption("--captions",
            "Flickr8k token file, COCO caption JSON or TSV (image, caption[, split])", "file", required: true);
        var outDir = Folder("--out", "Model directory to write (checkpoints and cache go inside)", required: true);
        var encoder = Choice("--encoder", "Image encoder", "resnet18", "resnet18", "small-cnn");
        var split = Text("--split", "Train on rows of this split when the file has a split column (default: train)",
            "name");
        var valid = Count("--valid-images",
            "Training images held out for validation and early stopping; more than the split's images less one "
            + "is capped to that, with a warning", 300, 0, 1_000_000);
        var epochs = Count("--epochs", "Most passes over the training captions", 20, 1, 10_000);
        var batch = Count("--batch", "Captions per batch", 64, 1, 4096);
        var embed = Count("--embed", "Word and image embedding size", 256, 1, 8192);
        var hidden = Count("--hidden", "LSTM hidden units", 512, 1, 8192);
        var layers = Count("--layers", "LSTM layers", 1, 1, 4);
        var dropout = Number("--dropout", "Dropout on the image embedding and before the softmax", 0.3, 0, 0.9);
        var lr = Number("--lr", "Peak learning rate (Adam, warm-up then cosine)", 2e-3, 1e-7, 1);
        var minCount = Count("--min-count", "Words seen fewer times become <unk>", 5, 1, 1_000_000);
        var patience = Count("--patience", "Stop after this many epochs without a better validation score (0: never)",
            3, 0, 1000);
        var select = Choice("--select",
            "Validation score that picks the epoch kept: BLEU-4, or the mean of BLEU-1..4", "bleu4", "bleu4",
            "bleu-mean");
        var beam = Beam();
        var size = Count("--image-size", "Input side of the small CNN (ResNet-18 always takes 224)", 64, 8, 1024);
        // A malformed list is a command-line error (exit 2) before any work, as a bad number is.
        var channels = CheckedBy(Text("--cnn-channels",
            "Small CNN: output channels of each stride-2 layer (default 32,64,128,256)", "n,n,..."),
            text => Channels(text));
        var cache = Folder("--cache", "Feature cache folder (default: OUT/cache)");
        var seed = Count("--seed", "Seed of the split, weights and batch order", 1, 0, int.MaxValue);
        var resume = new Option<bool>("--resume") { Description = "Continue from the newest checkpoint in OUT" };
        var force = EarlierRun.ForceOption();
        var command = new Command("caption", "Train an image caption model (CNN encoder + LSTM decoder)")
        {
            images, captions, outDir, encoder, split, valid, epochs, batch, embed, hidden, layers, dropout, lr,
            minCount, patience, select, beam, size, channels, cache, seed, resume, force,
        };
        EarlierRun.RefuseBoth(command, resume, force);
        command.SetAction((parse, ct) => Task.Run(() => TrainingInterrupt.Run(context, "train caption",
            Path.Combine(parse.GetValue(outDir)!, "checkpoints"), ct,
            () => CaptionTrainingRun.Run(context, parse,
            new TrainCaptionSettings(
            parse.GetValue(images)!, parse.GetValue(captions)!, parse.GetValue(outDir)!, parse.GetValue(encoder)!,
            parse.GetValue(split), parse.GetValue(valid), parse.GetValue(epochs), parse.GetValue(batch),
            parse.GetValue(embed), parse.GetValue(hidden), parse.GetValue(layers), (float)parse.GetValue(dropout),
            (float)parse.GetValue(lr),
            parse.GetValue(minCount), parse.GetValue(patience), BeamWidth(parse.GetValue(beam)), parse.GetValue(size),
            Channels(parse.GetValue(channels)),
            parse.GetValue(cache), (ulong)parse.GetValue(seed), parse.GetValue(resume),
            parse.GetValue(select) == "bleu-mean" ? CaptionSelection.BleuMean : CaptionSelection.Bleu4),
            parse.GetValue(force), ct))));
        return command;
    }

    private static int[] Channels(string? text)
    {
        if (text is null)
        {
            return [32, 64, 128, 256];
        }

        // An empty entry ("8,,8", "8,8,") is refused, not dropped: it is more likely a typo than a wish.
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = parts.Select(p => int.TryParse(p, System.Globalization.CultureInfo.InvariantCulture, out int n)
            ? n : -1).ToArray();
        return values.Length > 0 && values.All(n => n is > 0 and <= 4096)
            ? values
            : throw new CliException("--cnn-channels", $"expected positive numbers separated by commas; got '{text}'");
    }
}
