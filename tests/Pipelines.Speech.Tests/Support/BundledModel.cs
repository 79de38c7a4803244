namespace Pipelines.Speech.Tests.Support;

/// <summary>Finds the committed models/speech-digits above the test directory.</summary>
internal static class BundledModel
{
    /// <summary>The model directory; the test is inconclusive where it is missing.</summary>
    public static string Require()
    {
        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d != null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "models", "speech-digits");
            if (Directory.Exists(candidate)) return candidate;
        }

        throw new InconclusiveException("models/speech-digits not found above the test directory");
    }
}
