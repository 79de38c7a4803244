using Pipelines.Captioning.Decoding;
using Pipelines.Captioning.Encoders;
using Pipelines.Captioning.Images;
using Pipelines.Captioning.Model;
using Rnn.Core;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipelines.Captioning.Captioning;

/// <summary>
/// The whole pipeline: image files -> decode (limits, orientation, alpha) -> encoder (ONNX
/// ResNet-18 or the model's small CNN) in batches -> beam search -> captions. Files that fail
/// get a reason instead of a caption; the others are still done.
/// </summary>
/// <example>
/// <code>
/// using var captioner = ImageCaptioner.Load("models/caption-flickr8k");
/// foreach (var r in captioner.Caption(new[] { "dog.jpg" })) Console.WriteLine($"{r.Path}\t{r.Caption?.Text}");
/// </code>
/// </example>
public sealed class ImageCaptioner : IDisposable
{
    private readonly IImageEncoder encoder;
    private readonly object modelLock = new();

    /// <summary>Joins a loaded model and its encoder.</summary>
    public ImageCaptioner(CaptionModel model, IImageEncoder encoder, ImageLoader? loader = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        this.encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        Loader = loader ?? new ImageLoader();
        if (encoder.Kind != model.Config.Encoder)
        {
            throw new ArgumentException($"model expects encoder {model.Config.Encoder}; got {encoder.Kind}");
        }
    }

    /// <summary>The caption model.</summary>
    public CaptionModel Model { get; }

    /// <summary>The image loader.</summary>
    public ImageLoader Loader { get; }

    /// <summary>
    /// Images per <see cref="CaptionBatch"/> call: the encoder runs them in its own batches, and beam
    /// search runs all their hypotheses as one batch, so a larger call streams the decoder's weights
    /// fewer times per image.
    /// </summary>
    public int BatchSize => Math.Max(32, encoder.PreferredBatch);

    /// <summary>Loads a model directory and the encoder it names.</summary>
    /// <param name="directory">The model directory.</param>
    /// <param name="threads">ONNX Runtime threads (0: all cores).</param>
    /// <param name="loader">Image loader (limits); the default when null.</param>
    /// <param name="getVariable">
    /// Environment variables (for <see cref="ResNet18Files.Variable"/>); the process's when null.
    /// </param>
    /// <exception cref="InvalidDataException">The model is invalid, or its ResNet-18 files are missing.</exception>
    public static ImageCaptioner Load(string directory, int threads = 0, ImageLoader? loader = null,
        Func<string, string?>? getVariable = null)
    {
        var model = CaptionModelDirectory.Load(directory);
        return new ImageCaptioner(model, CreateEncoder(model.Config, threads, getVariable), loader);
    }

    /// <summary>The encoder a config names.</summary>
    /// <param name="config">The model's config.</param>
    /// <param name="threads">ONNX Runtime threads (0: all cores).</param>
    /// <param name="getVariable">Environment variables; the process's when null.</param>
    /// <exception cref="InvalidDataException">The ResNet-18 files are missing (one line saying why).</exception>
    public static IImageEncoder CreateEncoder(CaptionModelConfig config, int threads = 0,
        Func<string, string?>? getVariable = null)
    {
        if (config.TrainableEncoder)
        {
            return new PixelEncoder(config.ImageSize);
        }

        var files = ResNet18Files.Locate(out string problem, getVariable) ?? throw new InvalidDataException(problem);
        return ResNet18Encoder.Open(files, threads);
    }

    /// <summary>Captions files in batches of <see cref="BatchSize"/>, in input order.</summary>
    /// <param name="paths">Image files.</param>
    /// <param name="options">Beam search settings.</param>
    /// <param name="cancellation">Stops between batches.</param>
    public IEnumerable<CaptionResult> Caption(IReadOnlyList<string> paths, BeamSearchOptions? options = null,
        CancellationToken cancellation = default)
    {
        for (int start = 0; start < paths.Count; start += BatchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            foreach (var result in CaptionBatch(paths.Skip(start).Take(BatchSize).ToArray(), options))
            {
                yield return result;
            }
        }
    }

    /// <summary>Captions one batch of files (decoded in parallel, encoded as one batch).</summary>
    /// <param name="paths">Image files.</param>
    /// <param name="options">Beam search settings.</param>
    /// <param name="parallelism">Files decoded at once; 0 or less uses every core.</param>
    public IReadOnlyList<CaptionResult> CaptionBatch(IReadOnlyList<string> paths, BeamSearchOptions? options = null,
        int parallelism = 0)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = parallelism > 0 ? parallelism : -1 };
        var images = new Image<Rgb24>?[paths.Count];
        var errors = new string?[paths.Count];
        try
        {
            Parallel.For(0, paths.Count, parallel, i =>
            {
                try
                {
                    using var loaded = Loader.Load(paths[i]);
                    images[i] = ImageResizer.Square(loaded.Pixels, encoder.ImageSize);
                }
                catch (ImageLoadException e)
                {
                    errors[i] = e.Reason;
                }
            });
            return Run(paths, images, errors, options);
        }
        finally
        {
            foreach (var image in images)
            {
                image?.Dispose();
            }
        }
    }

    private CaptionResult[] Run(IReadOnlyList<string> paths, Image<Rgb24>?[] images, string?[] errors,
        BeamSearchOptions? options)
    {
        var ok = Enumerable.Range(0, paths.Count).Where(i => images[i] is not null).ToArray();
        var results = new CaptionResult[paths.Count];
        for (int i = 0; i < paths.Count; i++)
        {
            results[i] = new CaptionResult(paths[i], null, errors[i] ?? "not decoded");
        }

        if (ok.Length == 0)
        {
            return results;
        }

        var vectors = new float[ok.Length * encoder.VectorSize];   // [images, vector]
        encoder.Prepare(ok.Select(i => images[i]!).ToArray(), vectors);
        GeneratedCaption[] captions;
        lock (modelLock)
        {
            var features = Model.Features(Tensor.FromArray(vectors, ok.Length, encoder.VectorSize));
            captions = BeamSearch.Run(Model, features, options);
        }

        for (int k = 0; k < ok.Length; k++)
        {
            results[ok[k]] = new CaptionResult(paths[ok[k]], captions[k], null);
        }

        return results;
    }

    /// <inheritdoc />
    public void Dispose() => encoder.Dispose();
}
