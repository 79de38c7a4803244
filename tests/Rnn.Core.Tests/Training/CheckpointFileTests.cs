using System.Buffers.Binary;
using Rnn.Core.Nn;
using Rnn.Core.Optim;
using Rnn.Core.Serialization;
using Rnn.Core.Training;

namespace Rnn.Core.Tests.Training;

public sealed class CheckpointFileTests
{
    [Test]
    public void FlippedBytesInTheTensorDataAreRefusedAsCorruptNamingTheFile()
    {
        using var dir = new TempDir();
        string path = new CheckpointStore(dir.Path).Save(Checkpoint(step: 4));
        long size = new FileInfo(path).Length;

        // Same size, header untouched: only the tensor bytes say anything is wrong.
        FlipDataBytes(path, 0.5, count: 3);

        var e = Assert.Throws<InvalidDataException>(() => CheckpointFile.Load(path));
        Assert.That(new FileInfo(path).Length, Is.EqualTo(size));
        Assert.That(e!.Message, Does.StartWith($"{path}: corrupt (checksum mismatch)"));
        Assert.That(e.Message.Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void AnIntactCheckpointIsVerifiedAndSavesAgainAfterLoading()
    {
        using var dir = new TempDir();
        string path = new CheckpointStore(dir.Path).Save(Checkpoint(step: 4));

        var file = CheckpointFile.Load(path);
        string copy = Path.Combine(dir.Path, "copy.safetensors");
        file.Save(copy);

        Assert.That(file.Verified, Is.True);
        Assert.That(file.Metadata, Does.Not.ContainKey(CheckpointFile.ChecksumKey), "the checksum is the file's own");
        Assert.That(CheckpointFile.Load(copy).Verified, Is.True);
        Assert.That(File.ReadAllBytes(copy), Is.EqualTo(File.ReadAllBytes(path)));
    }

    // A changed header field (the step here) is as much a corruption as a changed weight.
    [Test]
    public void AChangedMetadataValueIsAChecksumMismatchToo()
    {
        using var dir = new TempDir();
        string path = new CheckpointStore(dir.Path).Save(Checkpoint(step: 4));
        byte[] bytes = File.ReadAllBytes(path);
        int at = IndexOf(bytes, "\"step\":\"4\""u8) + "\"step\":\""u8.Length;
        bytes[at] = (byte)'5';
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<InvalidDataException>(() => CheckpointFile.Load(path));
        Assert.That(e!.Message, Does.Contain("corrupt (checksum mismatch)"));
    }

    // Checkpoints written before the checksum was recorded are trusted as before: a run in progress
    // when the program was updated can still resume.
    [Test]
    public void ACheckpointWithoutAChecksumStillLoadsUnverified()
    {
        using var dir = new TempDir();
        var file = Checkpoint(step: 4).ToFile();
        var writer = new SafeTensorsWriter();
        foreach (var (key, value) in file.Metadata)
        {
            writer.Metadata[key] = value;
        }

        foreach (var (name, shape, values) in file.Tensors)
        {
            writer.Add(name, shape, values);
        }

        string path = Path.Combine(dir.Path, "checkpoint-0000000004.safetensors");
        writer.Save(path);

        var loaded = CheckpointFile.Load(path);
        Assert.That(loaded.Verified, Is.False);
        Assert.That(new CheckpointStore(dir.Path).LoadLatest()!.Value.Checkpoint.Step, Is.EqualTo(4));
    }

    [Test]
    public void ACorruptNewestCheckpointFallsBackToTheOlderOneAndSaysWhy()
    {
        using var dir = new TempDir();
        var store = new CheckpointStore(dir.Path, keepLast: 2);
        string older = store.Save(Checkpoint(step: 3));
        string newest = store.Save(Checkpoint(step: 6));
        FlipDataBytes(newest, 0.25, count: 1);

        var skipped = new List<(string Path, string Why)>();
        var loaded = store.LoadLatest((path, e) => skipped.Add((path, e.Message)))!.Value;

        Assert.That(loaded.Path, Is.EqualTo(older));
        Assert.That(loaded.Checkpoint.Step, Is.EqualTo(3));
        Assert.That(skipped, Has.Count.EqualTo(1));
        Assert.That(skipped[0].Path, Is.EqualTo(newest));
        Assert.That(skipped[0].Why, Does.Contain("corrupt (checksum mismatch)"));
    }

    [Test]
    public void EveryCheckpointCorruptIsOneErrorNamingEachFile()
    {
        using var dir = new TempDir();
        var store = new CheckpointStore(dir.Path, keepLast: 2);
        string older = store.Save(Checkpoint(step: 3));
        string newest = store.Save(Checkpoint(step: 6));
        FlipDataBytes(older, 0.9, count: 1);
        FlipDataBytes(newest, 0.1, count: 1);

        var e = Assert.Throws<InvalidDataException>(() => store.LoadLatest());
        Assert.That(e!.Message, Does.StartWith($"no readable checkpoint in '{dir.Path}'"));
        Assert.That(e.Message, Does.Contain($"{newest}: corrupt (checksum mismatch)")
            .And.Contain($"{older}: corrupt (checksum mismatch)"));
    }

    [Test]
    public void TheChecksumKeyIsReserved()
    {
        using var dir = new TempDir();
        var file = Checkpoint(step: 1).ToFile();
        file.Metadata[CheckpointFile.ChecksumKey] = "sha256:00";

        Assert.Throws<ArgumentException>(() => file.Save(Path.Combine(dir.Path, "x.safetensors")));
    }

    private static TrainingCheckpoint Checkpoint(long step)
    {
        var model = new Dense(5, 4, new Rng(1));
        var opt = new Adam(model.NamedParameters(), 0.01f);
        return TrainingCheckpoint.Capture(model, opt, new Dictionary<string, Rng>(), step, 0, 1, 0, 0);
    }

    // XORs count bytes of the tensor data region, starting at the given share of its length.
    internal static void FlipDataBytes(string path, double where, int count)
    {
        byte[] bytes = File.ReadAllBytes(path);
        long dataStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        int at = (int)(dataStart + (bytes.Length - dataStart) * where);
        for (int i = 0; i < count; i++)
        {
            bytes[at + i] ^= 0x5A;
        }

        File.WriteAllBytes(path, bytes);
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle)
    {
        int at = haystack.AsSpan().IndexOf(needle);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), "the pattern is in the header");
        return at;
    }
}
