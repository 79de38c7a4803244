using OpenCvSharp;
using Rnn.Core;

namespace Pipelines.Video.Emotion;

/// <summary>
/// Makes a short, plausible "video" of one still face, the way a tracked face moves between
/// frames: a random start pose (shift, scale, rotation, mirror) drifting smoothly to a nearby
/// end pose, with a per-clip exposure (gamma) that drifts too, and per-frame camera blur and
/// sensor noise. Each frame is warped by OpenCV and standardised by <see cref="FaceNormalizer"/>.
/// A sequence of one frame is ordinary still-image augmentation.
/// </summary>
public sealed class FaceSequenceAugmenter
{
    /// <summary>Creates an augmenter for side x side crops.</summary>
    public FaceSequenceAugmenter(int side = 48) => Side = side;

    /// <summary>Crop side in pixels.</summary>
    public int Side { get; }

    /// <summary>Largest start shift, as a fraction of the side.</summary>
    public float MaxShift { get; init; } = 0.1f;

    /// <summary>Largest start rotation in degrees.</summary>
    public float MaxRotation { get; init; } = 12f;

    /// <summary>Start scale range is 1 +- this.</summary>
    public float MaxScale { get; init; } = 0.12f;

    /// <summary>
    /// Writes <paramref name="frames"/> standardised frames of <paramref name="face"/> to <paramref name="output"/>.
    /// </summary>
    /// <param name="face">side * side gray bytes.</param>
    /// <param name="frames">Sequence length, &gt;= 1.</param>
    /// <param name="rng">All random choices come from here (deterministic for a seed).</param>
    /// <param name="output">frames * side * side floats.</param>
    public void Make(byte[] face, int frames, Rng rng, Span<float> output)
    {
        int area = Side * Side;
        if (face.Length != area || output.Length < frames * area || frames < 1)
        {
            throw new ArgumentException(
                $"augmenter wants {area} pixels and room for {frames} frames; got {face.Length} and {output.Length}");
        }

        var start = Pose.Random(rng, MaxShift * Side, MaxRotation, MaxScale, rng.NextFloat() < 0.5f);
        // The end pose is near the start: faces in a 1-2 s window turn and nod a little.
        var end = start.Drift(rng, 0.04f * Side, 5f, 0.05f);
        float gamma0 = MathF.Exp(rng.Uniform(-0.35f, 0.35f)), gamma1 = gamma0 * MathF.Exp(rng.Uniform(-0.1f, 0.1f));
        float blurChance = rng.Uniform(0f, 0.5f), noise = rng.Uniform(0f, 0.02f);

        using var src = new Mat(Side, Side, MatType.CV_8UC1);
        System.Runtime.InteropServices.Marshal.Copy(face, 0, src.Data, area);
        using var warped = new Mat();
        using var blurred = new Mat();
        for (int t = 0; t < frames; t++)
        {
            float a = frames == 1 ? 0f : t / (float)(frames - 1);
            using var m = Pose.Lerp(start, end, a).Matrix(Side);
            Cv2.WarpAffine(src, warped, m, new Size(Side, Side), InterpolationFlags.Linear, BorderTypes.Reflect101);
            var frame = warped;
            if (rng.NextFloat() < blurChance)
            {
                Cv2.GaussianBlur(warped, blurred, new Size(0, 0), rng.Uniform(0.4f, 1.1f));
                frame = blurred;
            }

            var dest = output.Slice(t * area, area);
            CopyWithGamma(frame, dest, gamma0 + (gamma1 - gamma0) * a);
            for (int i = 0; i < area && noise > 0; i++)
            {
                dest[i] += noise * rng.Normal();
            }

            FaceNormalizer.StandardizeInPlace(dest);
        }
    }

    private static void CopyWithGamma(Mat frame, Span<float> dest, float gamma)
    {
        var bytes = new byte[dest.Length];
        System.Runtime.InteropServices.Marshal.Copy(frame.Data, bytes, 0, bytes.Length);
        Span<float> table = stackalloc float[256];
        for (int v = 0; v < 256; v++)
        {
            table[v] = MathF.Pow(v / 255f, gamma);
        }

        for (int i = 0; i < dest.Length; i++)
        {
            dest[i] = table[bytes[i]];
        }
    }

    // A similarity transform about the crop's centre, plus an optional mirror.
    private readonly record struct Pose(float Dx, float Dy, float Degrees, float Scale, bool Mirror)
    {
        public static Pose Random(Rng rng, float shift, float degrees, float scale, bool mirror) => new(
            rng.Uniform(-shift, shift), rng.Uniform(-shift, shift), rng.Uniform(-degrees, degrees),
            1 + rng.Uniform(-scale, scale), mirror);

        public Pose Drift(Rng rng, float shift, float degrees, float scale) => this with
        {
            Dx = Dx + rng.Uniform(-shift, shift),
            Dy = Dy + rng.Uniform(-shift, shift),
            Degrees = Degrees + rng.Uniform(-degrees, degrees),
            Scale = Scale * (1 + rng.Uniform(-scale, scale)),
        };

        public static Pose Lerp(Pose p, Pose q, float a) => new(
            p.Dx + (q.Dx - p.Dx) * a, p.Dy + (q.Dy - p.Dy) * a, p.Degrees + (q.Degrees - p.Degrees) * a,
            p.Scale + (q.Scale - p.Scale) * a, p.Mirror);

        public Mat Matrix(int side)
        {
            var centre = new Point2f((side - 1) / 2f, (side - 1) / 2f);
            using var r = Cv2.GetRotationMatrix2D(centre, Degrees, Scale);   // [2, 3] float64
            var m = new Mat(2, 3, MatType.CV_64FC1);
            for (int row = 0; row < 2; row++)
            {
                for (int col = 0; col < 3; col++)
                {
                    m.Set(row, col, r.At<double>(row, col));
                }
            }

            if (Mirror)
            {
                // x' = side - 1 - x applied before the rotation: negate the first column, shift.
                m.Set(0, 2, m.At<double>(0, 2) + m.At<double>(0, 0) * (side - 1));
                m.Set(1, 2, m.At<double>(1, 2) + m.At<double>(1, 0) * (side - 1));
                m.Set(0, 0, -m.At<double>(0, 0));
                m.Set(1, 0, -m.At<double>(1, 0));
            }

            m.Set(0, 2, m.At<double>(0, 2) + Dx);
            m.Set(1, 2, m.At<double>(1, 2) + Dy);
            return m;
        }
    }
}
