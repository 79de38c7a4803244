namespace Rnn.Core.Recurrent;

/// <summary>
/// A cell whose state shapes depend on its input shape (ConvLSTM's spatial size). The
/// <see cref="Rnn"/> layer calls <see cref="Build"/> with the per-sample step input shape before
/// it asks for states, as Keras calls <c>cell.build(input_shape)</c>.
/// </summary>
public interface IBuildableCell : IRnnCell
{
    /// <summary>Fixes or checks the shapes for a per-sample step input shape (no batch axis).</summary>
    void Build(ReadOnlySpan<int> stepInputShape);
}
