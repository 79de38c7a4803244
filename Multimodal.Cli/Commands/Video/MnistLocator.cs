using Multimodal.Cli.Batch;
using Multimodal.Cli.Hosting;
using Multimodal.Cli.Models;

namespace Multimodal.Cli.Commands.Video;

/// <summary>Finds the MNIST digits the Moving-MNIST sequences are made of.</summary>
public static class MnistLocator
{
    /// <summary>The file name of the MNIST test images.</summary>
    public const string FileName = "t10k-images-idx3-ubyte.gz";

    /// <summary>
    /// <paramref name="explicitPath"/> when given, else ../shared/data/mnist/t10k-images-idx3-ubyte.gz
    /// beside the repository (the project's data folder).
    /// </summary>
    /// <exception cref="CliException">The file does not exist, or is a device, pipe, socket or broken link.</exception>
    public static string Resolve(string? explicitPath, CliEnvironment environment)
    {
        if (explicitPath is not null)
        {
            // Asked first: File.Exists is true for /dev/null and a link to nothing, and the idx reader's
            // own words ("'/dev/null': a device, not a file") are not the CLI's "PATH: is ..." layout.
            if (InputPaths.NotRegular(explicitPath) is { } odd)
            {
                throw new CliException(explicitPath, "is " + odd);
            }

            return File.Exists(explicitPath)
                ? explicitPath
                : throw CliException.MissingFile(explicitPath, "MNIST images file");
        }

        var root = ModelsFolder.RepositoryRoot(environment.BaseDirectory)
            ?? ModelsFolder.RepositoryRoot(Directory.GetCurrentDirectory());
        // The data folder sits beside the repository (../shared); a git worktree nested one level
        // deeper finds it further up, so every ancestor is tried.
        for (var dir = root is null ? null : new DirectoryInfo(root).Parent; dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, "shared", "data", "mnist", FileName);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new CliException(null,
            $"no --mnist given and shared/data/mnist/{FileName} was not found beside the repository");
    }
}
