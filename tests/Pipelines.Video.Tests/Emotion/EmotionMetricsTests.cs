using Pipelines.Video.Emotion;

namespace Pipelines.Video.Tests.Emotion;

[TestFixture]
public sealed class EmotionMetricsTests
{
    [Test]
    public void Accuracy_recall_and_mean_recall_from_the_confusion_matrix()
    {
        var labels = new[] { "a", "b", "c" };
        var m = EmotionMetrics.From(labels, new[] { (0, 0), (0, 0), (0, 1), (1, 1), (2, 0) });

        Assert.That(m.Count, Is.EqualTo(5));
        Assert.That(m.Accuracy, Is.EqualTo(0.6).Within(1e-12));
        Assert.That(m.Recall(0), Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(m.Recall(2), Is.EqualTo(0));
        Assert.That(m.MeanRecall, Is.EqualTo((2.0 / 3 + 1 + 0) / 3).Within(1e-12));
        Assert.That(m.Confusion[0, 1], Is.EqualTo(1));
    }

    [Test]
    public void A_class_without_faces_has_no_recall_and_is_left_out_of_the_mean()
    {
        var m = EmotionMetrics.From(new[] { "a", "b" }, new[] { (0, 0), (0, 1) });

        Assert.That(double.IsNaN(m.Recall(1)), Is.True);
        Assert.That(m.MeanRecall, Is.EqualTo(0.5));
    }
}
