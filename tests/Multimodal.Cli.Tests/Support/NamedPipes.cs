using System.Diagnostics;

namespace Multimodal.Cli.Tests.Support;

/// <summary>Named pipes for the tests that a verb must refuse them and never wait on them.</summary>
internal static class NamedPipes
{
    /// <summary>Makes a named pipe at each path (mkfifo); the test is ignored off Linux.</summary>
    public static void Make(params string[] paths)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("named pipes are made with mkfifo on Linux");
        }

        foreach (string path in paths)
        {
            using var mkfifo = Process.Start("mkfifo", path);
            mkfifo.WaitForExit();
        }
    }
}
