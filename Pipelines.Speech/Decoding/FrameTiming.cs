namespace Pipelines.Speech.Decoding;

/// <summary>
/// Where the frames of one decoded segment lie in its file: frame <c>t</c> covers
/// [Offset + t * FrameDuration, Offset + (t + 1) * FrameDuration) seconds.
/// </summary>
/// <param name="FrameDuration">Seconds per model output frame (hop length times subsampling over rate).</param>
/// <param name="Offset">Seconds from the start of the file to the segment's first frame.</param>
public readonly record struct FrameTiming(double FrameDuration, double Offset = 0)
{
    /// <summary>Seconds from the start of the file to the start of <paramref name="frame"/>.</summary>
    public double At(int frame) => Offset + frame * FrameDuration;

    /// <summary>Throws unless the duration is positive and the offset non-negative, both finite.</summary>
    public void Validate()
    {
        if (!(FrameDuration > 0) || double.IsInfinity(FrameDuration) || !(Offset >= 0) || double.IsInfinity(Offset))
        {
            throw new ArgumentException(
                $"expected a positive frame duration and an offset >= 0; got {FrameDuration} s and {Offset} s");
        }
    }
}
