using Rnn.Core.Nn;
using Rnn.Core.Recurrent;
using RnnLayer = Rnn.Core.Recurrent.Rnn;

namespace Rnn.Core.Tests.Recurrent;

// Bad sizes and hyper-parameters are refused at construction, naming the bad value (found by a
// new-user trial: a huge hidden size overflowed silently, and NaN dropout meant "no dropout").
public sealed class CellValidationTests
{
    [TestCase(30000)]
    [TestCase(50000)]
    public void HiddenSizeTooLargeForOneTensorIsAClearError(int hidden)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new LstmCell(10, hidden, new Rng(1)));
        Assert.That(e!.Message, Does.Contain(hidden.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void GruAndSimpleCellsCheckTheirGateCount()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new GruCell(10, 27000, new Rng(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SimpleRnnCell(10, 47000, new Rng(1)));
    }

    [TestCase(float.NaN, 0f)]
    [TestCase(0f, float.NaN)]
    [TestCase(-0.1f, 0f)]
    [TestCase(0f, 1f)]
    public void DropoutOutsideTheUnitIntervalOrNaNIsRefused(float input, float recurrent) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RnnLayer(
            new LstmCell(3, 4, new Rng(1)), new RnnOptions { InputDropout = input, RecurrentDropout = recurrent }));

    // Frames given to an LSTM cell (a rank-4 step) get a message that names the shape it expects
    // and the cell that takes maps, not a matrix-product error from inside the step.
    [Test]
    public void LstmCellGivenMapsSaysWhatItExpects()
    {
        var cell = new LstmCell(3, 4, new Rng(1));
        var states = cell.InitialState(2, Backends.Default);
        var e = Assert.Throws<ArgumentException>(() => cell.Step(Tensor.Zeros(2, 3, 5, 5), states));
        Assert.That(e!.Message, Does.Contain("[batch, 3]").And.Contain("[2, 3, 5, 5]").And.Contain("ConvLstm2DCell"));
        Assert.Throws<ArgumentException>(() => cell.Step(Tensor.Zeros(2, 7), states));
    }

    [Test]
    public void NaNDropoutRateIsRefusedByTheOpAndTheLayers()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Dropout(Tensor.Zeros(4), float.NaN, new Rng(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Dropout(float.NaN, new Rng(1)));
    }

    [Test]
    public void OrthogonalInitStaysOrthonormalAtAWideSize()
    {
        // The vectorised Gram-Schmidt must still give Q Q^T = I to float precision.
        const int n = 96;
        var q = Init.Orthogonal(new Rng(3), n, n);
        double worst = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double dot = 0;
                for (int c = 0; c < n; c++)
                {
                    dot += (double)q[i * n + c] * q[j * n + c];
                }

                worst = Math.Max(worst, Math.Abs(dot - (i == j ? 1 : 0)));
            }
        }

        Assert.That(worst, Is.LessThan(1e-5));
    }
}
