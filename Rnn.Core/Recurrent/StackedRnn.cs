using Rnn.Core.Nn;

namespace Rnn.Core.Recurrent;

/// <summary>
/// Recurrent layers run one after another, each reading the previous one's sequence output, with
/// optional dropout between layers (training only). Lengths or a mask go to every layer.
/// States: every layer's final states, in layer order; initial states are given the same way.
/// </summary>
/// <example>
/// <code>
/// var opts = new RnnOptions { ReturnSequences = true };
/// var stack = new StackedRnn(new ISequenceLayer[]
/// {
///     new Rnn(new GruCell(40, 96, rng), opts),
///     new Rnn(new GruCell(96, 96, rng), opts),
/// }, dropout: 0.2f);
/// </code>
/// </example>
public sealed class StackedRnn : Module, ISequenceLayer
{
    private readonly List<ISequenceLayer> layers = new();
    private readonly Rng rng;

    /// <summary>Stacks the layers; all but the last must return sequences.</summary>
    public StackedRnn(IReadOnlyList<ISequenceLayer> layers, float dropout = 0f, ulong seed = 1)
    {
        if (layers.Count == 0)
        {
            throw new ArgumentException("StackedRnn needs at least one layer");
        }

        if (!(dropout >= 0f && dropout < 1f))   // also refuses NaN
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), $"must be in [0, 1); got {dropout}");
        }

        for (int i = 0; i < layers.Count; i++)
        {
            if (i < layers.Count - 1 && !layers[i].ReturnsSequences)
            {
                throw new ArgumentException(
                    $"layer {i} of {layers.Count} must return sequences (ReturnSequences) to feed layer {i + 1}");
            }

            if (layers[i] is Module m)
            {
                AddModule(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m);
            }

            this.layers.Add(layers[i]);
        }

        Dropout = dropout;
        rng = AddGenerator("dropout_rng", new Rng(seed));
    }

    /// <summary>Dropout rate applied to the output of every layer but the last.</summary>
    public float Dropout { get; }

    /// <summary>The stacked layers.</summary>
    public IReadOnlyList<ISequenceLayer> Layers => layers;

    /// <inheritdoc />
    public int StateCount => layers.Sum(l => l.StateCount);

    /// <inheritdoc />
    public bool ReturnsSequences => layers[^1].ReturnsSequences;

    /// <inheritdoc />
    public RnnResult Forward(Tensor x, Tensor[]? initialState = null, int[]? lengths = null, Tensor? mask = null)
    {
        if (initialState is not null && initialState.Length != StateCount)
        {
            throw new ArgumentException(
                $"StackedRnn takes {StateCount} initial states (layer by layer); got {initialState.Length}");
        }

        var states = new List<Tensor>();
        int at = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var init = initialState?[at..(at + layer.StateCount)];
            at += layer.StateCount;
            var result = layer.Forward(x, init, lengths, mask);
            states.AddRange(result.States);
            x = result.Output;
            if (i < layers.Count - 1 && Training && Dropout > 0f)
            {
                x = Ops.Dropout(x, Dropout, rng);
            }
        }

        return new RnnResult(x, states.ToArray());
    }
}
