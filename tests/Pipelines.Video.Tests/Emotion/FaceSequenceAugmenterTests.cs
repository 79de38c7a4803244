using Pipelines.Video.Emotion;
using Rnn.Core;

namespace Pipelines.Video.Tests.Emotion;

[TestFixture]
public sealed class FaceSequenceAugmenterTests
{
    private static byte[] Face()
    {
        var face = new byte[48 * 48];
        for (int i = 0; i < face.Length; i++)
        {
            int y = i / 48, x = i % 48;
            face[i] = (byte)((x * 5 + y * 2) % 256);   // a gradient with structure, not flat
        }

        return face;
    }

    [Test]
    public void Same_seed_same_clip_and_frames_are_standardised()
    {
        var augmenter = new FaceSequenceAugmenter();
        var a = new float[4 * 2304];
        var b = new float[4 * 2304];

        augmenter.Make(Face(), 4, new Rng(9), a);
        augmenter.Make(Face(), 4, new Rng(9), b);

        Assert.That(a, Is.EqualTo(b));
        for (int t = 0; t < 4; t++)
        {
            var frame = a.AsSpan(t * 2304, 2304).ToArray();
            Assert.That(frame.Average(), Is.EqualTo(0).Within(1e-4));
            Assert.That(Math.Sqrt(frame.Select(v => (double)v * v).Average()), Is.EqualTo(1).Within(1e-3));
        }
    }

    [Test]
    public void Consecutive_frames_move_a_little_and_other_seeds_differ_more()
    {
        var augmenter = new FaceSequenceAugmenter();
        var clip = new float[4 * 2304];
        var other = new float[2304];
        augmenter.Make(Face(), 4, new Rng(1), clip);
        augmenter.Make(Face(), 1, new Rng(2), other);

        double Distance(ReadOnlySpan<float> p, ReadOnlySpan<float> q)
        {
            double s = 0;
            for (int i = 0; i < p.Length; i++)
            {
                s += (p[i] - q[i]) * (p[i] - q[i]);
            }

            return Math.Sqrt(s / p.Length);
        }

        double step = Distance(clip.AsSpan(0, 2304), clip.AsSpan(2304, 2304));
        double jump = Distance(clip.AsSpan(0, 2304), other);
        Assert.That(step, Is.GreaterThan(0));
        Assert.That(step, Is.LessThan(jump));
    }

    [Test]
    public void Wrong_sizes_are_refused()
    {
        Assert.That(() => new FaceSequenceAugmenter().Make(new byte[10], 1, new Rng(1), new float[2304]),
            Throws.ArgumentException.With.Message.Contains("2304"));
    }
}
