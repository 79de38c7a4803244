using Pipelines.Video.Data;
using Rnn.Core;

namespace Pipelines.Video.Training;

/// <summary>
/// Which MNIST digits and seeds each split uses. The 10,000 MNIST test digits are cut into
/// disjoint ranges, so validation and test sequences show digits training never saw; the fixed
/// seeds make the validation and test sets the same on every run and every machine.
/// </summary>
public static class MovingMnistSplits
{
    /// <summary>Digits [0, 8000) make training sequences, generated on the fly.</summary>
    public const int TrainDigits = 8000;

    /// <summary>Digits [8000, 9000) make validation sequences.</summary>
    public const int ValidationFirst = 8000;

    /// <summary>Digits [9000, 10000) make test sequences.</summary>
    public const int TestFirst = 9000;

    /// <summary>Seed of the fixed validation set.</summary>
    public const ulong ValidationSeed = 0x5EED_0001;

    /// <summary>Seed of the fixed test set.</summary>
    public const ulong TestSeed = 0x5EED_0002;

    /// <summary>The training generator (digits [0, 8000), or all when the file has fewer than 10,000).</summary>
    public static MovingMnist Train(MnistImages images, MovingMnistOptions options) =>
        new(images, options, 0, images.Count >= 10_000 ? TrainDigits : images.Count);

    /// <summary><paramref name="count"/> fixed validation sequences, each [frames, 1, size, size].</summary>
    public static IReadOnlyList<float[]> Validation(MnistImages images, MovingMnistOptions options, int count) =>
        Fixed(Held(images, options, ValidationFirst), ValidationSeed, count);

    /// <summary><paramref name="count"/> fixed test sequences, each [frames, 1, size, size].</summary>
    public static IReadOnlyList<float[]> Test(MnistImages images, MovingMnistOptions options, int count) =>
        Fixed(Held(images, options, TestFirst), TestSeed, count);

    /// <summary>
    /// The same sequences as <see cref="Test"/>, made one at a time as they are enumerated, so a
    /// long evaluation holds a batch in memory, not every sequence (100,000 took 24 GB).
    /// </summary>
    public static IEnumerable<float[]> TestStream(MnistImages images, MovingMnistOptions options, int count) =>
        Stream(Held(images, options, TestFirst), TestSeed, count);   // Held checks here, not at the first MoveNext

    private static MovingMnist Held(MnistImages images, MovingMnistOptions options, int first)
    {
        if (images.Count < 10_000)
        {
            // The file's fault, not the caller's: one line naming it, not an "unexpected" error.
            throw new InvalidDataException(
                $"{images.Source}: the held-out splits need the 10,000 MNIST test digits; the file has {images.Count}");
        }

        return new MovingMnist(images, options, first, 1000);
    }

    private static IReadOnlyList<float[]> Fixed(MovingMnist generator, ulong seed, int count) =>
        Stream(generator, seed, count).ToArray();

    // The fixed set of a seed, one sequence at a time.
    private static IEnumerable<float[]> Stream(MovingMnist generator, ulong seed, int count)
    {
        var rng = new Rng(seed);
        for (int i = 0; i < count; i++)
        {
            yield return generator.Sequence(rng);
        }
    }
}
