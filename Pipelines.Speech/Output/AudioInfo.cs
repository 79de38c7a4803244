namespace Pipelines.Speech.Output;

/// <summary>What the writers need to know about the transcribed file besides its transcript.</summary>
/// <param name="File">The audio file's path or name as the user gave it (written to JSON as is).</param>
/// <param name="Duration">The audio's length in seconds; no time written goes past it.</param>
public sealed record AudioInfo(string File, double Duration)
{
    /// <summary>Throws unless <see cref="Duration"/> is finite and non-negative.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(File);
        if (!(Duration >= 0) || double.IsInfinity(Duration))
        {
            throw new ArgumentException($"audio duration must be finite and >= 0 s; got {Duration} for '{File}'");
        }
    }
}
