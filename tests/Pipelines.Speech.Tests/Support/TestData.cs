namespace Pipelines.Speech.Tests.Support;

/// <summary>Finds the shared data folder: <c>shared/data</c> next to the repository (as CI lays
/// it out) or next to any ancestor of the test directory, then /work/shared/data.</summary>
internal static class TestData
{
    private static readonly Lazy<string?> Root = new(Find);

    /// <summary>The path of <paramref name="relative"/> under the data folder; marks the test
    /// Inconclusive (with the reason) when the data is not on this machine.</summary>
    public static string Require(string relative)
    {
        string? root = Root.Value;
        string? full = root is null ? null : Path.Combine(root, relative);
        if (full is null || !(File.Exists(full) || Directory.Exists(full)))
            Assert.Inconclusive($"shared data '{relative}' not found (looked for shared/data next to an " +
                "ancestor of the test directory and /work/shared/data)");
        return full!;
    }

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        return Directory.Exists("/work/shared/data") ? "/work/shared/data" : null;
    }
}
