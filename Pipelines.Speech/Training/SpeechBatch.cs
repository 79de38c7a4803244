using Rnn.Core;

namespace Pipelines.Speech.Training;

/// <summary>A padded batch for CTC training.</summary>
/// <param name="Features">[batch, time, mels], zero after each sample's length.</param>
/// <param name="Lengths">Per sample, its real frames.</param>
/// <param name="Targets">Per sample, its token indices.</param>
public sealed record SpeechBatch(Tensor Features, int[] Lengths, int[][] Targets)
{
    /// <summary>Pads <paramref name="examples"/> into one batch.</summary>
    public static SpeechBatch From(IReadOnlyList<SpeechExample> examples)
    {
        int batch = examples.Count;
        int time = examples.Max(e => e.Features.Frames);
        int mels = examples[0].Features.Features;
        var data = new float[batch * time * mels];   // [batch, time, mels]
        for (int b = 0; b < batch; b++)
        {
            var f = examples[b].Features;
            if (f.Features != mels)
            {
                throw new ArgumentException($"example {b} has {f.Features} features, example 0 has {mels}");
            }

            f.Data.AsSpan().CopyTo(data.AsSpan(b * time * mels));
        }

        return new SpeechBatch(
            Tensor.FromArray(data, batch, time, mels),
            examples.Select(e => e.Features.Frames).ToArray(),
            examples.Select(e => e.Tokens).ToArray());
    }
}
