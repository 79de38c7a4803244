namespace Pipelines.Video.Emotion;

/// <summary>One labelled grayscale face crop, row-major, side x side bytes.</summary>
/// <param name="Pixels">side * side gray levels.</param>
/// <param name="Label">Index into <see cref="EmotionLabels.All"/>.</param>
/// <param name="Path">The file it came from (for error messages and reports).</param>
public sealed record FaceSample(byte[] Pixels, int Label, string Path);
