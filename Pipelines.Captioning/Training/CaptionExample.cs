namespace Pipelines.Captioning.Training;

/// <summary>One training caption: the image's row in the feature store and the word ids.</summary>
/// <param name="Row">Row of the image in the <see cref="FeatureStore"/>.</param>
/// <param name="Words">Word ids, without &lt;start&gt; and &lt;end&gt;.</param>
public sealed record CaptionExample(int Row, int[] Words);
