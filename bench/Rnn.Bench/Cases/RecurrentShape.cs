using System.Globalization;

namespace Rnn.Bench.Cases;

/// <summary>Which recurrent cell a case runs.</summary>
internal enum CellKind
{
    Lstm,
    Gru,
}

/// <summary>The sizes of one recurrent case, and its multiply-add count.</summary>
internal sealed record RecurrentShape(CellKind Kind, int Batch, int Time, int Input, int Hidden)
{
    public int Gates => Kind == CellKind.Lstm ? 4 : 3;

    /// <summary>
    /// GEMM flops of one forward pass: per step 2 * batch * gates*hidden * (input + hidden). A
    /// training step counts 3x that (forward, plus the data and weight gradients), the usual rule.
    /// </summary>
    public double ForwardFlops => 2.0 * Time * Batch * Gates * Hidden * (Input + Hidden);

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Kind.ToString().ToUpperInvariant()} in {Input}, hidden {Hidden}, batch {Batch}, {Time} steps");
}
