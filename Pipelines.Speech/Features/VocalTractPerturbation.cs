using Rnn.Core;

namespace Pipelines.Speech.Features;

/// <summary>
/// Vocal tract length perturbation (VTLP) of log-mel bands, for training: each utterance's
/// spectrum is warped along frequency by a factor alpha drawn from [1 - w, 1 + w], as a speaker
/// with a shorter (alpha &gt; 1) or longer (alpha &lt; 1) vocal tract would move its formants
/// (Jaitly and Hinton 2013, "Vocal Tract Length Perturbation (VTLP) improves speech recognition").
/// It works on the mel bands before any DCT, so it is meaningful for MFCC models too, where
/// stretching the cepstral axis is not (see <see cref="SpecAugment.MaxWarp"/>).
/// </summary>
/// <remarks>
/// The warp is the piecewise-linear one of that paper, in the reading direction: the output at
/// frequency f takes the input at f / alpha up to a boundary <c>B = BoundaryFraction * top *
/// min(alpha, 1)</c>, then a straight line to the top of the band range, which stays fixed, so
/// no band reads past the filter bank. Each output band reads the input's band energy at its
/// centre frequency so mapped, interpolated linearly between neighbouring band centres on the mel
/// scale (HTK mel, as <see cref="LogMelSpectrogram"/> places its filters) and held at the edges.
/// </remarks>
/// <example>
/// <code>
/// var vtlp = new VocalTractPerturbation { MaxWarp = 0.1 };
/// FeatureMatrix warped = vtlp.Apply(mel.ComputeBands(samples), mel.Options, rng); // [time, melBands]
/// </code>
/// </example>
public sealed record VocalTractPerturbation
{
    /// <summary>Largest relative warp w: alpha is drawn uniformly from [1 - w, 1 + w].</summary>
    public double MaxWarp { get; init; } = 0.1;

    /// <summary>Where the linear part of the warp ends, as a fraction of the top frequency.</summary>
    public double BoundaryFraction { get; init; } = 0.85;

    /// <summary>Warps <paramref name="bands"/> ([time, melBands]) by a random factor; a new matrix.</summary>
    public FeatureMatrix Apply(FeatureMatrix bands, LogMelOptions options, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return Warp(bands, options, 1 + MaxWarp * (2 * rng.NextDouble() - 1));
    }

    /// <summary>
    /// Warps <paramref name="bands"/> ([time, melBands] log-mel energies of <paramref name="options"/>)
    /// by <paramref name="alpha"/>: above 1 moves spectral peaks up, below 1 down; 1 returns a copy.
    /// </summary>
    public FeatureMatrix Warp(FeatureMatrix bands, LogMelOptions options, double alpha)
    {
        ArgumentNullException.ThrowIfNull(bands);
        ArgumentNullException.ThrowIfNull(options);
        if (bands.Features != options.MelBands)
        {
            throw new ArgumentException(
                $"expected {options.MelBands} mel bands per frame, got {bands.Features}", nameof(bands));
        }

        if (!(alpha > 0.5 && alpha < 2))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "a warp factor must lie in (0.5, 2)");
        }

        double[] source = SourcePositions(options, alpha);
        int count = bands.Features;
        var data = new float[bands.Frames * count]; // [time, melBands]
        for (int t = 0; t < bands.Frames; t++)
        {
            ReadOnlySpan<float> row = bands.Row(t);
            Span<float> target = data.AsSpan(t * count, count);
            for (int b = 0; b < count; b++)
            {
                int low = (int)source[b];
                int high = Math.Min(low + 1, count - 1);
                float frac = (float)(source[b] - low);
                target[b] = row[low] + frac * (row[high] - row[low]);
            }
        }

        return new FeatureMatrix(bands.Frames, count, data);
    }

    /// <summary>
    /// For each output band, the fractional input band index it reads under warp
    /// <paramref name="alpha"/>, clamped to [0, melBands - 1].
    /// </summary>
    public double[] SourcePositions(LogMelOptions options, double alpha)
    {
        int count = options.MelBands;
        double low = options.MinFrequency;
        double top = options.MaxFrequency > 0 ? options.MaxFrequency : options.SampleRate / 2.0;
        double melLow = Mel(low), melStep = (Mel(top) - melLow) / (count + 1);
        double boundary = BoundaryFraction * top * Math.Min(alpha, 1);
        var result = new double[count];
        for (int b = 0; b < count; b++)
        {
            double centre = Hertz(melLow + (b + 1) * melStep);
            double read = centre <= boundary
                ? centre / alpha
                : boundary / alpha + (top - boundary / alpha) * (centre - boundary) / (top - boundary);
            double position = (Mel(Math.Max(read, low)) - melLow) / melStep - 1;
            result[b] = Math.Clamp(position, 0, count - 1);
        }

        return result;
    }

    // HTK mel scale: mel = 1127 ln(1 + f / 700).
    private static double Mel(double hertz) => 1127 * Math.Log(1 + hertz / 700);

    private static double Hertz(double mel) => 700 * (Math.Exp(mel / 1127) - 1);
}
