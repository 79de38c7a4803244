using Rnn.Core.Nn;

namespace Rnn.Core.Recurrent;

/// <summary>
/// Convolutional LSTM cell (Shi et al., 2015, without peepholes, as Keras's ConvLSTM2D): the
/// LSTM of <see cref="LstmCell"/> with its matrix products replaced by 'same'-padded, stride-1
/// convolutions over NCHW feature maps. gates = conv(x, W_ih) + b + conv(h, W_hh), split on the
/// channel axis as i, f, g, o. Parameters "weight_ih" [4F, Cin, k, k], "weight_hh" [4F, F, k, k],
/// "bias" [4F]; states [h, c], each [filters, height, width]; output h.
/// </summary>
/// <remarks>
/// The spatial size comes from the constructor or from the first input the <see cref="Rnn"/>
/// layer builds it with. On the CPU backend the layer runs a whole sequence through a fused
/// kernel (channels-last inside, every convolution one GEMM over all positions, one tape entry);
/// <see cref="Step(Tensor, Tensor[])"/> and other backends go step by step through autograd (one
/// Conv2D pair a step). Limit: no fused kernel on the CUDA backend.
/// </remarks>
/// <example>
/// <code>
/// var cell = new ConvLstm2DCell(inChannels: 1, filters: 8, kernel: 3, rng, height: 16, width: 16);
/// var y = new Rnn(cell).Forward(frames).Output;   // frames [batch, time, 1, 16, 16] -> [batch, 8, 16, 16]
/// </code>
/// </example>
public sealed class ConvLstm2DCell : Module, IRecurrentDropoutCell, IBuildableCell
{
    /// <summary>Creates the cell; height and width may be left 0 to take them from the first input.</summary>
    public ConvLstm2DCell(int inChannels, int filters, int kernel, Rng rng, int height = 0, int width = 0,
        IBackend? backend = null)
    {
        if (inChannels <= 0 || filters <= 0 || kernel <= 0 || kernel % 2 == 0 || height < 0 || width < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(kernel),
                $"ConvLstm2DCell needs positive channels and filters and an odd kernel; got in {inChannels}, " +
                $"filters {filters}, kernel {kernel}, size {height}x{width}");
        }

        var be = backend ?? Backends.Default;
        InChannels = inChannels;
        Filters = filters;
        Kernel = kernel;
        Height = height;
        Width = width;
        int k2 = kernel * kernel;
        var ih = Init.GlorotUniform(be, rng, inChannels * k2, 4 * filters * k2,
            4 * filters, inChannels, kernel, kernel);   // [4F, Cin, k, k]
        WeightIh = AddParameter("weight_ih", ih);

        // Orthogonal over the flattened kernel [4F, F*k*k], as Keras does for recurrent kernels.
        var hh = Init.Orthogonal(rng, 4 * filters, filters * k2);
        WeightHh = AddParameter("weight_hh", be.FromArray(hh, new[] { 4 * filters, filters, kernel, kernel }));
        var bias = new float[4 * filters];
        Array.Fill(bias, 1f, filters, filters);   // forget gate, as LstmCell
        Bias = AddParameter("bias", be.FromArray(bias, new[] { 4 * filters }));
    }

    public int InChannels { get; }

    public int Filters { get; }

    public int Kernel { get; }

    /// <summary>Feature-map height, 0 until known.</summary>
    public int Height { get; private set; }

    /// <summary>Feature-map width, 0 until known.</summary>
    public int Width { get; private set; }

    /// <summary>[4*filters, inChannels, k, k], gate order i, f, g, o.</summary>
    public Parameter WeightIh { get; }

    /// <summary>[4*filters, filters, k, k].</summary>
    public Parameter WeightHh { get; }

    /// <summary>[4*filters].</summary>
    public Parameter Bias { get; }

    public IReadOnlyList<int[]> StateShapes
    {
        get
        {
            if (Height == 0 || Width == 0)
            {
                throw new InvalidOperationException(
                    "ConvLstm2DCell does not know its spatial size yet: pass height and width to the " +
                    "constructor or run it through Rnn, which builds it from the input");
            }

            return new[] { new[] { Filters, Height, Width }, new[] { Filters, Height, Width } };
        }
    }

    public int[] OutputShape => StateShapes[0];

    public void Build(ReadOnlySpan<int> stepInputShape)
    {
        if (stepInputShape.Length != 3 || stepInputShape[0] != InChannels)
        {
            throw new ArgumentException(
                $"ConvLstm2DCell expects steps of [{InChannels}, height, width]; " +
                $"got {Shape.Format(stepInputShape)}");
        }

        if ((Height != 0 && Height != stepInputShape[1]) || (Width != 0 && Width != stepInputShape[2]))
        {
            throw new ArgumentException(
                $"ConvLstm2DCell was built for {Height}x{Width}; got input {Shape.Format(stepInputShape)}");
        }

        Height = stepInputShape[1];
        Width = stepInputShape[2];
    }

    public Tensor[] InitialState(int batch, IBackend backend) => CellInit.Zeros(StateShapes, batch, backend);

    public (Tensor Output, Tensor[] States) Step(Tensor input, Tensor[] states)
    {
        CellInit.CheckStates(nameof(ConvLstm2DCell), states, 2);
        return Step(input, states, states[0]);
    }

    public (Tensor Output, Tensor[] States) Step(Tensor input, Tensor[] states, Tensor recurrentInput)
    {
        CellInit.CheckStates(nameof(ConvLstm2DCell), states, 2);
        if (input.Rank != 4)
        {
            throw new ArgumentException(
                $"ConvLstm2DCell expects [batch, channels, height, width]; got {input.Describe()}");
        }

        int f = Filters;
        var gates = Ops.Add(
            Ops.Conv2DSame(input, WeightIh.Value, Bias.Value),
            Ops.Conv2DSame(recurrentInput, WeightHh.Value));   // [batch, 4*filters, height, width]
        var i = Ops.Sigmoid(Ops.Slice(gates, 1, 0, f));
        var fg = Ops.Sigmoid(Ops.Slice(gates, 1, f, f));
        var g = Ops.Tanh(Ops.Slice(gates, 1, 2 * f, f));
        var o = Ops.Sigmoid(Ops.Slice(gates, 1, 3 * f, f));
        var c = Ops.Add(Ops.Mul(fg, states[1]), Ops.Mul(i, g));   // [batch, filters, height, width]
        var h = Ops.Mul(o, Ops.Tanh(c));
        return (h, new[] { h, c });
    }
}
