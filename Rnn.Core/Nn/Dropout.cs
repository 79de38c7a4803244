namespace Rnn.Core.Nn;

/// <summary>Inverted dropout: active only while <see cref="Module.Training"/> is true.</summary>
public sealed class Dropout : Module, ILayer
{
    private readonly Rng rng;

    public Dropout(float rate, Rng rng)
    {
        if (!(rate >= 0f && rate < 1f))   // also refuses NaN
        {
            throw new ArgumentOutOfRangeException(nameof(rate), $"dropout rate must be in [0, 1); got {rate}");
        }

        Rate = rate;
        this.rng = AddGenerator("rng", rng);
    }

    public float Rate { get; }

    public Tensor Forward(Tensor x) => Training ? Ops.Dropout(x, Rate, rng) : x;
}
