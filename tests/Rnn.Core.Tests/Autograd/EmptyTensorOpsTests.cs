using Rnn.Core.Autograd;

namespace Rnn.Core.Tests.Autograd;

// Ops on tensors with a zero dimension: an empty batch, an empty first chunk of a sequence built
// by concatenation. Each once threw (a division by the zero size, TensorPrimitives refusing an
// empty span) or returned memory it never wrote.
public sealed class EmptyTensorOpsTests
{
    [Test]
    public void ConcatAfterAnEmptyFirstPartCopiesTheOtherParts()
    {
        var empty = Tensor.Zeros(2, 0);
        var ones = Tensor.Full(1f, 2, 3);
        ones.RequiresGrad = true;

        using var tape = Tape.Begin();
        var joined = Ops.Concat(new[] { empty, ones }, 1);   // [2, 3]
        tape.Backward(Ops.Sum(Ops.Scale(joined, 2f)));

        Assert.That(joined.ShapeArray, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(joined.ToArray(), Is.All.EqualTo(1f));
        Assert.That(ones.Grad!.ToArray(), Is.All.EqualTo(2f));
    }

    [Test]
    public void ActivationsAndSoftmaxOfEmptyTensorsAreEmpty()
    {
        var rows = Tensor.Zeros(0, 3);
        var cols = Tensor.Zeros(2, 0);
        rows.RequiresGrad = true;
        cols.RequiresGrad = true;

        using var tape = Tape.Begin();
        var results = new[]
        {
            Ops.Sigmoid(rows), Ops.Tanh(rows), Ops.Exp(rows),
            Ops.Softmax(cols), Ops.LogSoftmax(cols), Ops.Softmax(rows),
        };
        tape.Backward(results.Aggregate(Tensor.Scalar(0f), (sum, r) => Ops.Add(sum, Ops.Sum(r))));

        Assert.That(results.Select(r => r.Length), Is.All.EqualTo(0));
        Assert.That(results[3].ShapeArray, Is.EqualTo(new[] { 2, 0 }));
    }

    [Test]
    public void GatherFromATableOfNoColumnsChecksRowsAgainstItsShape()
    {
        var table = Tensor.Zeros(4, 0);

        Assert.That(Ops.Gather(table, new[] { 3, 0 }).ShapeArray, Is.EqualTo(new[] { 2, 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Gather(table, new[] { 4 }));
    }

    // A product over an empty inner dimension is zeros (a sum of nothing), not a GEMM refusing a
    // leading dimension of 0; an empty output is simply empty.
    [Test]
    public void MatMulWithAZeroSizeIsZerosOfTheRightShape()
    {
        var pooled = Tensor.Full(7f, 300, 100);   // leaves a dirty array of that size in the pool
        pooled.Dispose();

        var inner = Ops.MatMul(Tensor.Zeros(300, 0), Tensor.Zeros(0, 100));
        var noColumns = Ops.Linear(Tensor.Full(1f, 3, 4), Tensor.Zeros(0, 4));
        var batched = Ops.MatMul(Tensor.Zeros(2, 3, 0), Tensor.Zeros(2, 5, 0), transB: true);

        Assert.That(inner.ShapeArray, Is.EqualTo(new[] { 300, 100 }));
        Assert.That(inner.ToArray(), Is.All.EqualTo(0f));
        Assert.That(noColumns.ShapeArray, Is.EqualTo(new[] { 3, 0 }));
        Assert.That(batched.ShapeArray, Is.EqualTo(new[] { 2, 3, 5 }));
        Assert.That(batched.ToArray(), Is.All.EqualTo(0f));
    }
}
