namespace Pipelines.Video.Emotion;

/// <summary>
/// Classification figures from a confusion matrix: rows are the true class, columns the
/// predicted one.
/// </summary>
public sealed class EmotionMetrics
{
    /// <summary>Wraps a confusion matrix [true, predicted].</summary>
    public EmotionMetrics(IReadOnlyList<string> labels, int[,] confusion)
    {
        Labels = labels;
        Confusion = confusion;
    }

    /// <summary>Class names.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>counts[true, predicted].</summary>
    public int[,] Confusion { get; }

    /// <summary>Faces evaluated.</summary>
    public int Count => Enumerable.Range(0, Labels.Count).Sum(Support);

    /// <summary>Fraction predicted right.</summary>
    public double Accuracy => Count == 0 ? 0 : Enumerable.Range(0, Labels.Count).Sum(c => Confusion[c, c]) /
        (double)Count;

    /// <summary>Faces whose true class is <paramref name="c"/>.</summary>
    public int Support(int c) => Enumerable.Range(0, Labels.Count).Sum(p => Confusion[c, p]);

    /// <summary>Recall of class <paramref name="c"/> (NaN when it has no faces).</summary>
    public double Recall(int c) => Support(c) == 0 ? double.NaN : Confusion[c, c] / (double)Support(c);

    /// <summary>Mean recall over the classes that have faces (balanced accuracy).</summary>
    public double MeanRecall => Enumerable.Range(0, Labels.Count).Select(Recall).Where(r => !double.IsNaN(r))
        .DefaultIfEmpty(0).Average();

    /// <summary>Counts predictions into a new matrix.</summary>
    public static EmotionMetrics From(IReadOnlyList<string> labels, IEnumerable<(int Truth, int Predicted)> pairs)
    {
        var m = new int[labels.Count, labels.Count];
        foreach (var (t, p) in pairs)
        {
            m[t, p]++;
        }

        return new EmotionMetrics(labels, m);
    }
}
