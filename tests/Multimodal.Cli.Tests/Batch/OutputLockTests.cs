using System.Diagnostics;
using Multimodal.Cli.Batch;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Tests.Support;

namespace Multimodal.Cli.Tests.Batch;

[TestFixture]
public sealed class OutputLockTests
{
    private TempFolder temp = null!;

    [SetUp]
    public void SetUp() => temp = new TempFolder();

    [TearDown]
    public void TearDown() => temp.Dispose();

    [Test]
    public void ASecondHoldIsRefusedNamingTheHoldersPid()
    {
        string output = Path.Combine(temp.Path, "captions.jsonl");
        using var first = OutputLock.Acquire(output, "caption run");

        var e = Assert.Throws<CliException>(() => OutputLock.Acquire(output, "caption run"));

        Assert.That(e!.Message, Does.StartWith(
            $"{output}: in use by another caption run (pid {Environment.ProcessId}); "));
    }

    // Found by a new-user trial: a link to a training folder in use took a lock of its own, and
    // both runs trained into the one folder.
    [Test]
    public void ALinkToAnOutputInUseFindsTheSameLock()
    {
        string output = Path.Combine(temp.Path, "model");
        Directory.CreateDirectory(output);
        string link = Path.Combine(temp.Path, "model-link");
        Directory.CreateSymbolicLink(link, output);
        using var first = OutputLock.Acquire(output, "training run");

        var e = Assert.Throws<CliException>(() => OutputLock.Acquire(link + "/", "training run"));

        Assert.That(e!.Message, Does.Contain($"in use by another training run (pid {Environment.ProcessId})"));
        Assert.That(OutputLock.PathFor(link), Is.EqualTo(OutputLock.PathFor(output)));
    }

    [Test]
    public void ReleasingDeletesTheLockFileAndFreesTheOutput()
    {
        string output = Path.Combine(temp.Path, "gallery.html");
        string lockFile = Path.Combine(temp.Path, ".gallery.html.lock");
        OutputLock.Acquire(output, "caption run").Dispose();

        Assert.That(File.Exists(lockFile), Is.False);
        using var again = OutputLock.Acquire(output, "caption run");
        Assert.That(File.Exists(lockFile), Is.True);
    }

    // A killed run leaves its lock file, but its hold ended with it: the file alone must not block,
    // and the pid in it is replaced by the new holder's.
    [Test]
    public void ALockFileNobodyHoldsIsTakenOver()
    {
        string output = Path.Combine(temp.Path, "captions.csv");
        File.WriteAllText(OutputLock.PathFor(output), "999999\n");

        using var hold = OutputLock.Acquire(output, "caption run");

        var e = Assert.Throws<CliException>(() => OutputLock.Acquire(output, "caption run"));
        Assert.That(e!.Message, Does.Contain($"(pid {Environment.ProcessId})"));
    }

    // An output name may use all 255 bytes a name can have; its lock name must still fit.
    [Test]
    public void ALongOutputNameGetsALockNameThatFits()
    {
        string output = Path.Combine(temp.Path, new string('c', 249) + ".jsonl");
        string other = Path.Combine(temp.Path, new string('c', 249) + ".jsonx");

        using var hold = OutputLock.Acquire(output, "caption run");
        using var second = OutputLock.Acquire(other, "caption run");

        Assert.That(Path.GetFileName(OutputLock.PathFor(output)), Has.Length.EqualTo(255));
        Assert.That(OutputLock.PathFor(output), Is.Not.EqualTo(OutputLock.PathFor(other)));
        Assert.Throws<CliException>(() => OutputLock.Acquire(output, "caption run"));
    }

    // Another process's hold (flock(1), the same kind of lock .NET takes) refuses the run, and the
    // hold ends when that process is killed.
    [Test]
    public void AnotherProcesssHoldEndsWithIt()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/flock"))
        {
            Assert.Ignore("needs Linux and flock(1)");
        }

        string output = Path.Combine(temp.Path, "captions.jsonl");
        string lockFile = OutputLock.PathFor(output);
        File.WriteAllText(lockFile, "4242\n");
        // flock runs the command once it holds the lock, so "held" means held; -o keeps the lock in
        // flock's own process, the one killed below, not in the command's.
        using var holder = Process.Start(new ProcessStartInfo("/usr/bin/flock", ["-o", lockFile, "-c",
            "echo held; exec sleep 60"]) { RedirectStandardOutput = true })!;
        try
        {
            Assert.That(holder.StandardOutput.ReadLine(), Is.EqualTo("held"));
            var e = Assert.Throws<CliException>(() => OutputLock.Acquire(output, "caption run"));
            Assert.That(e!.Message, Does.Contain("in use by another caption run (pid 4242)"));
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }

        using var hold = OutputLock.Acquire(output, "caption run");
    }
}
