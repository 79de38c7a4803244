using Pipelines.Captioning.Training;

namespace Multimodal.Cli.Commands.Captioning;

/// <summary>The options of one <c>train caption</c> run.</summary>
internal sealed record TrainCaptionSettings(
    string Images,
    string Captions,
    string OutDir,
    string Encoder,
    string? Split,
    int ValidImages,
    int Epochs,
    int Batch,
    int Embed,
    int Hidden,
    int Layers,
    float Dropout,
    float LearningRate,
    int MinCount,
    int Patience,
    int Beam,
    int ImageSize,
    int[] CnnChannels,
    string? Cache,
    ulong Seed,
    bool Resume,
    CaptionSelection Selection)
{
    /// <summary>Checkpoints and the best weights.</summary>
    public string CheckpointDirectory => Path.Combine(OutDir, "checkpoints");

    /// <summary>The held-out validation images with their captions (a TSV that <c>eval caption</c> reads).</summary>
    public string ValidationList => Path.Combine(OutDir, "validation.tsv");

    /// <summary>The feature cache folder.</summary>
    public string CacheDirectory => Cache ?? Path.Combine(OutDir, "cache");
}
