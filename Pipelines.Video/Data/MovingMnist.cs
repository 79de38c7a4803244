using Rnn.Core;

namespace Pipelines.Video.Data;

/// <summary>
/// Generates Moving-MNIST sequences (Srivastava et al., 2015): each digit starts at a uniform
/// position, moves at a fixed speed in a uniform direction and bounces off the canvas edges;
/// digits are combined by per-pixel maximum. Digits come from a range of an <see cref="MnistImages"/>
/// set, so training, validation and test sequences can use disjoint digits. A sequence depends
/// only on the generator state it is given, so fixed seeds give fixed sets.
/// </summary>
/// <example>
/// <code>
/// var mnist = MnistImages.Read("../shared/data/mnist/t10k-images-idx3-ubyte.gz");
/// var gen = new MovingMnist(mnist, new MovingMnistOptions(), firstDigit: 0, digitCount: 8000);
/// float[] seq = gen.Sequence(new Rng(7));   // [20, 1, 64, 64] in [0, 1]
/// </code>
/// </example>
public sealed class MovingMnist
{
    private readonly MnistImages images;
    private readonly int firstDigit;
    private readonly int digitCount;

    /// <summary>Creates a generator drawing digits from images [firstDigit, firstDigit + digitCount).</summary>
    public MovingMnist(MnistImages images, MovingMnistOptions options, int firstDigit, int digitCount)
    {
        ArgumentNullException.ThrowIfNull(images);
        options.Validate(Math.Max(images.Rows, images.Cols));
        if (firstDigit < 0 || digitCount <= 0 || firstDigit + digitCount > images.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(digitCount), $"digits [{firstDigit}, {firstDigit + digitCount}) outside 0..{images.Count}");
        }

        this.images = images;
        this.firstDigit = firstDigit;
        this.digitCount = digitCount;
        Options = options;
    }

    /// <summary>The protocol settings.</summary>
    public MovingMnistOptions Options { get; }

    /// <summary>Floats in one sequence: frames * canvas * canvas.</summary>
    public int SequenceLength => Options.Frames * Options.CanvasSize * Options.CanvasSize;

    /// <summary>One sequence [frames, 1, canvas, canvas] in [0, 1], drawn from <paramref name="rng"/>.</summary>
    public float[] Sequence(Rng rng)
    {
        var data = new float[SequenceLength];   // [frames, 1, canvas, canvas]
        Sequence(rng, data);
        return data;
    }

    /// <summary>Writes one sequence into <paramref name="destination"/> (overwritten).</summary>
    public void Sequence(Rng rng, Span<float> destination)
    {
        int size = Options.CanvasSize;
        int plane = size * size;
        destination[..SequenceLength].Clear();
        for (int d = 0; d < Options.Digits; d++)
        {
            var digit = images.Image(firstDigit + rng.NextInt(digitCount));
            var path = Trajectory(rng);
            for (int t = 0; t < Options.Frames; t++)
            {
                Draw(digit, path[t], destination.Slice(t * plane, plane));
            }
        }
    }

    /// <summary>Top-left corners per frame: uniform start, uniform direction, reflection at the edges.</summary>
    private (int X, int Y)[] Trajectory(Rng rng)
    {
        float limitX = Options.CanvasSize - images.Cols;
        float limitY = Options.CanvasSize - images.Rows;
        float x = rng.NextFloat() * limitX;
        float y = rng.NextFloat() * limitY;
        double theta = rng.NextDouble() * 2 * Math.PI;
        float vx = (float)Math.Cos(theta) * Options.StepPixels;
        float vy = (float)Math.Sin(theta) * Options.StepPixels;

        var path = new (int X, int Y)[Options.Frames];
        for (int t = 0; t < path.Length; t++)
        {
            // Clamped: a step longer than the free range could otherwise bounce past the far edge.
            path[t] = ((int)Math.Clamp(MathF.Round(x), 0, limitX), (int)Math.Clamp(MathF.Round(y), 0, limitY));
            (x, vx) = Bounce(x + vx, vx, limitX);
            (y, vy) = Bounce(y + vy, vy, limitY);
        }

        return path;
    }

    private static (float Position, float Velocity) Bounce(float p, float v, float limit)
    {
        if (p < 0)
        {
            return (-p, -v);
        }

        return p > limit ? (2 * limit - p, -v) : (p, v);
    }

    private void Draw(ReadOnlySpan<byte> digit, (int X, int Y) at, Span<float> frame)
    {
        int size = Options.CanvasSize;
        const float scale = 1f / 255f;
        for (int r = 0; r < images.Rows; r++)
        {
            var row = frame.Slice((at.Y + r) * size + at.X, images.Cols);
            var src = digit.Slice(r * images.Cols, images.Cols);
            for (int c = 0; c < row.Length; c++)
            {
                row[c] = MathF.Max(row[c], src[c] * scale);
            }
        }
    }
}
