using System.Globalization;

namespace Rnn.Core.Training;

/// <summary>
/// A folder of training checkpoints named "checkpoint-{step:D10}.safetensors": saves atomically,
/// finds the latest, keeps only the newest few. Leftover temp files of a killed writer are
/// ignored (they never carry the final name).
/// </summary>
public sealed class CheckpointStore
{
    private const string Prefix = "checkpoint-";
    private const string Extension = ".safetensors";

    /// <summary>Creates a store over a folder (created on first save).</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="keepLast">How many newest checkpoints to keep; 0 keeps all.</param>
    public CheckpointStore(string directory, int keepLast = 2)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfNegative(keepLast);
        Directory = directory;
        KeepLast = keepLast;
    }

    /// <summary>The folder.</summary>
    public string Directory { get; }

    /// <summary>Number of checkpoints kept (0 = all).</summary>
    public int KeepLast { get; }

    /// <summary>
    /// Writes a checkpoint, then deletes the oldest beyond <see cref="KeepLast"/> among those up to
    /// its step; returns its path.
    /// </summary>
    /// <remarks>
    /// A checkpoint of a later step than the one saved can only be one that <see cref="LoadLatest"/>
    /// passed over as unreadable before this run resumed from an older one. Counted in, it would
    /// stay the newest and the pruning would delete the good checkpoints written after the resume
    /// (with keepLast 1, each one as soon as it was written). It is left alone instead, until the
    /// run reaches its step and a save replaces it.
    /// </remarks>
    public string Save(TrainingCheckpoint checkpoint)
    {
        string step = checkpoint.Step.ToString("D10", CultureInfo.InvariantCulture);
        string path = Path.Combine(Directory, Prefix + step + Extension);
        checkpoint.ToFile().Save(path);
        if (KeepLast > 0)
        {
            foreach (var (old, _) in List().Where(c => c.Step <= checkpoint.Step).SkipLast(KeepLast))
            {
                File.Delete(old);
            }
        }

        return path;
    }

    /// <summary>
    /// The newest readable checkpoint, or null when the folder has none. A damaged newest file
    /// (a disk error, a copy cut short, bytes changed so that its checksum no longer matches: see
    /// <see cref="CheckpointFile"/>) is passed to <paramref name="onUnreadable"/> and the next
    /// older one is tried, so one bad file does not throw away a whole run; when every
    /// checkpoint is unreadable, this throws with each file's reason.
    /// </summary>
    public (string Path, TrainingCheckpoint Checkpoint)? LoadLatest(Action<string, Exception>? onUnreadable = null)
    {
        var all = List();
        if (all.Count == 0)
        {
            return null;
        }

        var problems = new List<string>();
        for (int i = all.Count - 1; i >= 0; i--)
        {
            string path = all[i].Path;
            try
            {
                return (path, TrainingCheckpoint.FromFile(CheckpointFile.Load(path), path));
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                problems.Add(e.Message);
                onUnreadable?.Invoke(path, e);
            }
        }

        throw new InvalidDataException(
            $"no readable checkpoint in '{Directory}': {string.Join("; ", problems)}");
    }

    /// <summary>
    /// Deletes every checkpoint in the folder; returns how many. A run that starts over calls this
    /// first: the pruning in <see cref="Save"/> keeps the highest steps, so an earlier run's
    /// later checkpoints would outlive the new run's and a resume would continue the old run.
    /// </summary>
    public int Clear()
    {
        var all = List();
        foreach (var (path, _) in all)
        {
            File.Delete(path);
        }

        return all.Count;
    }

    /// <summary>Checkpoint files and their steps, oldest first.</summary>
    public IReadOnlyList<(string Path, long Step)> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return Array.Empty<(string, long)>();
        }

        var found = new List<(string, long)>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, Prefix + "*" + Extension))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            var digits = name.AsSpan(Prefix.Length);
            if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long step))
            {
                found.Add((path, step));
            }
        }

        return found.OrderBy(f => f.Item2).ToList();
    }
}
