namespace Pipelines.Video.Tests.Support;

/// <summary>The shared MNIST file the Moving-MNIST tests read.</summary>
internal static class TestData
{
    /// <summary>../shared/data/mnist/t10k-images-idx3-ubyte.gz, found by walking up from the test folder.</summary>
    public static string MnistImages
    {
        get
        {
            var start = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            for (var dir = start; dir is not null; dir = dir.Parent)
            {
                string path = Path.Combine(dir.FullName, "shared", "data", "mnist", "t10k-images-idx3-ubyte.gz");
                if (File.Exists(path))
                {
                    return path;
                }
            }

            Assert.Fail("shared/data/mnist/t10k-images-idx3-ubyte.gz not found above the test folder");
            return "";
        }
    }

    private static Pipelines.Video.Data.MnistImages? images;

    /// <summary>The 10,000 MNIST test digits, read once per test run.</summary>
    public static Pipelines.Video.Data.MnistImages Images =>
        images ??= Pipelines.Video.Data.MnistImages.Read(MnistImages);
}
