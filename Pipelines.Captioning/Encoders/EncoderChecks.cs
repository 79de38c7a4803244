namespace Pipelines.Captioning.Encoders;

internal static class EncoderChecks
{
    public static void Destination(int images, int vectorSize, Span<float> destination)
    {
        if (destination.Length != (long)images * vectorSize)
        {
            throw new ArgumentException(
                $"destination holds {destination.Length} floats; {images} images x {vectorSize} "
                + $"need {images * vectorSize}");
        }
    }
}
