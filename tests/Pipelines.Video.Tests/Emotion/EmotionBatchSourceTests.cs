using Pipelines.Video.Emotion;

namespace Pipelines.Video.Tests.Emotion;

[TestFixture]
public sealed class EmotionBatchSourceTests
{
    private static List<FaceSample> Faces(int n) => Enumerable.Range(0, n)
        .Select(i => new FaceSample(
            Enumerable.Range(0, 256).Select(p => (byte)((p * (i + 3)) % 251)).ToArray(), i % 7, $"f{i}"))
        .ToList();

    [Test]
    public void A_batch_is_a_pure_function_of_epoch_and_index()
    {
        var a = new EmotionBatchSource(Faces(20), 4, new FaceSequenceAugmenter(16), new[] { 1.0, 1, 1, 1 }, seed: 5);
        var b = new EmotionBatchSource(Faces(20), 4, new FaceSequenceAugmenter(16), new[] { 1.0, 1, 1, 1 }, seed: 5);

        b.GetBatch(0, 3);   // visiting batches in another order must not change them
        var x = a.GetBatch(1, 2);
        var y = b.GetBatch(1, 2);

        Assert.That(a.BatchesPerEpoch, Is.EqualTo(5));
        Assert.That(x.Labels, Is.EqualTo(y.Labels));
        Assert.That(x.Faces.ToArray(), Is.EqualTo(y.Faces.ToArray()));
        Assert.That(x.Faces.Dim(0), Is.EqualTo(4));
        Assert.That(x.Faces.ShapeArray[2..], Is.EqualTo(new[] { 1, 16, 16 }));
    }

    [Test]
    public void Every_face_appears_once_per_epoch_and_lengths_follow_the_weights()
    {
        var faces = Faces(40);
        var source = new EmotionBatchSource(faces, 8, new FaceSequenceAugmenter(16), new[] { 0.0, 0, 1 }, seed: 2);
        var labels = new List<int>();
        for (int i = 0; i < source.BatchesPerEpoch; i++)
        {
            var batch = source.GetBatch(0, i);
            Assert.That(batch.Faces.Dim(1), Is.EqualTo(3));
            labels.AddRange(batch.Labels);
        }

        Assert.That(labels.Order(), Is.EqualTo(faces.Select(f => f.Label).Order()));
    }
}
