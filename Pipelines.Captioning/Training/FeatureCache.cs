using System.Text;
using Pipelines.Captioning.Encoders;
using Pipelines.Captioning.Images;
using Rnn.Core.Serialization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipelines.Captioning.Training;

/// <summary>
/// Encodes every image once and keeps the vectors on disk, so training epochs read features, not
/// photos. The cache is a folder of chunk files (<c>chunk-00000.bin</c>, ...), each written
/// atomically; a killed run keeps its finished chunks and the next run encodes only the rest.
/// Each chunk records its encoder key (encoder kind + image size + vector size), so a cache made by
/// another encoder is never mixed in. Images that fail to load are recorded with their reason and
/// not retried.
/// </summary>
public static class FeatureCache
{
    private const string Magic = "CAPFEAT1";

    /// <summary>One image to encode: its name (the key) and its file.</summary>
    public sealed record Item(string Name, string Path);

    /// <summary>Progress: images done so far (cached or new) of the total.</summary>
    public sealed record Progress(int Done, int Total, int Failed);

    /// <summary>Encodes what the cache lacks and returns every vector.</summary>
    /// <param name="directory">The cache folder (created when missing).</param>
    /// <param name="encoder">The encoder; its kind and sizes form the cache key.</param>
    /// <param name="loader">Decodes the image files.</param>
    /// <param name="items">The images.</param>
    /// <param name="progress">Reported after each chunk.</param>
    /// <param name="chunkSize">Images per chunk file.</param>
    /// <param name="cancellation">Stops between chunks; finished chunks stay.</param>
    public static FeatureStore Build(string directory, IImageEncoder encoder, ImageLoader loader,
        IReadOnlyList<Item> items, IProgress<Progress>? progress = null, int chunkSize = 256,
        CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        Directory.CreateDirectory(directory);
        string key = Key(encoder);
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        int next = 0;
        foreach (var file in Directory.GetFiles(directory, "chunk-*.bin").Order(StringComparer.Ordinal))
        {
            if (TryRead(file, key, encoder.VectorSize, vectors, failures))
            {
                next = Math.Max(next, ChunkNumber(file) + 1);
            }
        }

        var todo = items.Where(i => !vectors.ContainsKey(i.Name) && !failures.ContainsKey(i.Name))
            .DistinctBy(i => i.Name).ToList();
        int done = items.Count - todo.Count;
        progress?.Report(new Progress(done, items.Count, failures.Count));
        for (int start = 0; start < todo.Count; start += chunkSize)
        {
            cancellation.ThrowIfCancellationRequested();
            var chunk = todo.Skip(start).Take(chunkSize).ToList();
            var (names, data, failed) = Encode(encoder, loader, chunk);
            Write(Path.Combine(directory, $"chunk-{next++:D5}.bin"), key, encoder.VectorSize, names, data, failed);
            for (int i = 0; i < names.Count; i++)
            {
                vectors[names[i]] = data.AsSpan(i * encoder.VectorSize, encoder.VectorSize).ToArray();
            }

            foreach (var (name, reason) in failed)
            {
                failures[name] = reason;
            }

            done += chunk.Count;
            progress?.Report(new Progress(done, items.Count, failures.Count));
        }

        var wanted = items.Select(i => i.Name).Distinct().Where(vectors.ContainsKey).ToList();
        var all = new float[wanted.Count * encoder.VectorSize];
        for (int i = 0; i < wanted.Count; i++)
        {
            vectors[wanted[i]].CopyTo(all.AsSpan(i * encoder.VectorSize));
        }

        var wantedFailures = items.Where(i => failures.ContainsKey(i.Name))
            .DistinctBy(i => i.Name).ToDictionary(i => i.Name, i => failures[i.Name]);
        return new FeatureStore(encoder.VectorSize, wanted, all, wantedFailures);
    }

    /// <summary>The cache key of an encoder.</summary>
    public static string Key(IImageEncoder encoder) => $"{encoder.Kind}/{encoder.ImageSize}/{encoder.VectorSize}";

    // Loads the chunk's images on all cores, then encodes them as one batch.
    private static (List<string> Names, float[] Data, List<(string, string)> Failed) Encode(
        IImageEncoder encoder, ImageLoader loader, List<Item> chunk)
    {
        var images = new Image<Rgb24>?[chunk.Count];
        var reasons = new string?[chunk.Count];
        Parallel.For(0, chunk.Count, i =>
        {
            try
            {
                using var loaded = loader.Load(chunk[i].Path);
                images[i] = loaded.Pixels.Clone();
            }
            catch (ImageLoadException e)
            {
                reasons[i] = e.Reason;
            }
        });

        try
        {
            var names = new List<string>();
            var ok = new List<Image<Rgb24>>();
            var failed = new List<(string, string)>();
            for (int i = 0; i < chunk.Count; i++)
            {
                if (images[i] is { } image)
                {
                    names.Add(chunk[i].Name);
                    ok.Add(image);
                }
                else
                {
                    failed.Add((chunk[i].Name, reasons[i]!));
                }
            }

            var data = new float[ok.Count * encoder.VectorSize];
            encoder.Prepare(ok, data);
            return (names, data, failed);
        }
        finally
        {
            foreach (var image in images)
            {
                image?.Dispose();
            }
        }
    }

    private static void Write(string path, string key, int vectorSize, List<string> names, float[] data,
        List<(string Name, string Reason)> failed)
    {
        AtomicFile.Write(path, stream =>
        {
            using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            w.Write(key);
            w.Write(vectorSize);
            w.Write(names.Count);
            w.Write(failed.Count);
            for (int i = 0; i < names.Count; i++)
            {
                w.Write(names[i]);
                foreach (float v in data.AsSpan(i * vectorSize, vectorSize))
                {
                    w.Write(v);
                }
            }

            foreach (var (name, reason) in failed)
            {
                w.Write(name);
                w.Write(reason);
            }
        });
    }

    // A chunk of another encoder, or an unreadable one, is ignored (and its images encoded again).
    private static bool TryRead(string path, string key, int vectorSize, Dictionary<string, float[]> vectors,
        Dictionary<string, string> failures)
    {
        try
        {
            using var r = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (r.ReadString() != Magic || r.ReadString() != key || r.ReadInt32() != vectorSize)
            {
                return false;
            }

            int count = r.ReadInt32();
            int failedCount = r.ReadInt32();
            var readVectors = new List<(string, float[])>(count);
            for (int i = 0; i < count; i++)
            {
                string name = r.ReadString();
                var v = new float[vectorSize];
                for (int j = 0; j < vectorSize; j++)
                {
                    v[j] = r.ReadSingle();
                }

                readVectors.Add((name, v));
            }

            var readFailures = new List<(string, string)>();
            for (int i = 0; i < failedCount; i++)
            {
                readFailures.Add((r.ReadString(), r.ReadString()));
            }

            foreach (var (name, v) in readVectors)
            {
                vectors[name] = v;
            }

            foreach (var (name, reason) in readFailures)
            {
                failures[name] = reason;
            }

            return true;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static int ChunkNumber(string path) =>
        int.TryParse(Path.GetFileNameWithoutExtension(path).AsSpan("chunk-".Length), out int n) ? n : 0;
}
