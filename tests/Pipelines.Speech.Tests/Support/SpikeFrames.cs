namespace Pipelines.Speech.Tests.Support;

/// <summary>Log-probability frames shaped like a CTC model's output, for decoder and ensemble tests.</summary>
internal static class SpikeFrames
{
    /// <summary>
    /// [frames, vocab] log-probabilities: each frame is blank (index 0) with <paramref name="blank"/>,
    /// except the given (frame, token, probability) spikes; the rest of each frame is spread evenly.
    /// </summary>
    public static float[] LogProbs(
        int frames, int vocab, double blank, params (int Frame, int Token, double P)[] spikes)
    {
        var values = new float[frames * vocab];
        for (int t = 0; t < frames; t++)
        {
            var spike = spikes.FirstOrDefault(s => s.Frame == t);
            int top = spike.P > 0 ? spike.Token : 0;
            double p = spike.P > 0 ? spike.P : blank;
            for (int k = 0; k < vocab; k++)
            {
                values[t * vocab + k] = (float)Math.Log(k == top ? p : (1 - p) / (vocab - 1));
            }
        }

        return values;
    }
}
