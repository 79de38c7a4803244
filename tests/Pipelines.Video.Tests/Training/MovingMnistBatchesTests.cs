using Pipelines.Video.Data;
using Pipelines.Video.Tests.Support;
using Pipelines.Video.Training;

namespace Pipelines.Video.Tests.Training;

[TestFixture]
public sealed class MovingMnistBatchesTests
{
    [Test]
    public void SameEpochAndIndex_SameBatch()
    {
        var gen = MovingMnistSplits.Train(TestData.Images, new MovingMnistOptions());
        var source = new MovingMnistBatches(gen, batchSize: 2, batchesPerEpoch: 5, contextFrames: 10, seed: 3);

        var a = source.GetBatch(1, 2);
        var again = source.GetBatch(1, 2);
        var other = source.GetBatch(1, 3);

        Assert.That(a.Context.ShapeArray, Is.EqualTo(new[] { 2, 10, 1, 64, 64 }));
        Assert.That(a.Future.ShapeArray, Is.EqualTo(new[] { 2, 10, 1, 64, 64 }));
        Assert.That(again.Context.ToArray(), Is.EqualTo(a.Context.ToArray()));
        Assert.That(other.Context.ToArray(), Is.Not.EqualTo(a.Context.ToArray()));
    }

    [Test]
    public void FixedSplits_AreStableAndDisjoint()
    {
        var options = new MovingMnistOptions();

        var test = MovingMnistSplits.Test(TestData.Images, options, 3);
        var testAgain = MovingMnistSplits.Test(TestData.Images, options, 3);
        var validation = MovingMnistSplits.Validation(TestData.Images, options, 3);

        Assert.That(testAgain[2], Is.EqualTo(test[2]));
        Assert.That(validation[0], Is.Not.EqualTo(test[0]));
    }

    // The streamed test split (eval video-predict, which may score 100,000 sequences) is the
    // fixed one, sequence for sequence, and is made only as far as it is read.
    [Test]
    public void TestStream_IsTheFixedTestSplitMadeOneAtATime()
    {
        var options = new MovingMnistOptions();

        var test = MovingMnistSplits.Test(TestData.Images, options, 3);
        var stream = MovingMnistSplits.TestStream(TestData.Images, options, 3).ToList();
        var first = MovingMnistSplits.TestStream(TestData.Images, options, int.MaxValue).First();

        Assert.That(stream, Has.Count.EqualTo(3));
        for (int i = 0; i < 3; i++)
        {
            Assert.That(stream[i], Is.EqualTo(test[i]), $"sequence {i}");
        }

        Assert.That(first, Is.EqualTo(test[0]));
    }

    [Test]
    public void Split_KeepsFrameOrder()
    {
        var seq = Enumerable.Range(0, 4 * 4).Select(i => (float)(i / 4)).ToArray();   // 4 frames of 2x2, frame t = t

        var batch = MovingMnistBatches.Split(new[] { seq }, 3, 1, Rnn.Core.Backends.Default);

        Assert.That(batch.Context.ToArray(), Is.EqualTo(new float[] { 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2 }));
        Assert.That(batch.Future.ToArray(), Is.EqualTo(new float[] { 3, 3, 3, 3 }));
    }
}
