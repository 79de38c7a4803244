namespace Pipelines.Video.Emotion;

/// <summary>
/// The seven FER-2013 emotion classes, in the order of the model's output axis (alphabetical,
/// as the dataset's folders sort).
/// </summary>
public static class EmotionLabels
{
    /// <summary>Class names by output index.</summary>
    public static IReadOnlyList<string> All { get; } =
        new[] { "angry", "disgust", "fear", "happy", "neutral", "sad", "surprise" };

    /// <summary>Number of classes.</summary>
    public static int Count => All.Count;

    /// <summary>The index of a class name (case-insensitive), or -1.</summary>
    public static int IndexOf(string name)
    {
        for (int i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
