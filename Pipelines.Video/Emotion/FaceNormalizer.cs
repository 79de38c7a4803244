namespace Pipelines.Video.Emotion;

/// <summary>
/// Turns a grayscale face crop into network input: per-image standardisation (zero mean, unit
/// standard deviation), so a darker camera or a lower contrast than FER-2013's photos moves
/// the input little. Training and inference both go through here.
/// </summary>
public static class FaceNormalizer
{
    /// <summary>The name written to config.json's preprocessing section.</summary>
    public const string Method = "per-image-standardize";

    // A flat crop (a wall, a black frame) would divide by ~0; 1e-3 of the 0..1 range keeps it finite.
    private const float MinStd = 1e-3f;

    /// <summary>Writes the standardised pixels (0..255 in) to <paramref name="output"/>.</summary>
    public static void Standardize(ReadOnlySpan<byte> pixels, Span<float> output)
    {
        for (int i = 0; i < pixels.Length; i++)
        {
            output[i] = pixels[i] / 255f;
        }

        StandardizeInPlace(output[..pixels.Length]);
    }

    /// <summary>Standardises values already scaled to 0..1, in place.</summary>
    public static void StandardizeInPlace(Span<float> values)
    {
        double sum = 0, sumSq = 0;
        foreach (float v in values)
        {
            sum += v;
            sumSq += (double)v * v;
        }

        double mean = sum / values.Length;
        double std = Math.Sqrt(Math.Max(0, sumSq / values.Length - mean * mean));
        float inv = 1f / (float)Math.Max(std, MinStd);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(values[i] - mean) * inv;
        }
    }
}
