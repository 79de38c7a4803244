using Pipelines.Speech.Audio;

namespace Pipelines.Speech.Vad;

/// <summary>
/// Energy-based voice activity detection over streamed mono audio. A frame is speech when its
/// energy is above both an absolute threshold and the local noise floor (a low percentile of
/// the energies within a few seconds either side) plus a margin, so steady noise or silence of
/// any level gives no segment. Speech frames are joined across short pauses, bursts too short
/// are dropped, long speech is split at its quietest frame, and each segment is padded.
/// Segments come out in order with absolute times; they never overlap and never end after the
/// audio does. Memory is bounded by one segment plus the look-ahead, whatever the file length.
/// </summary>
/// <example>
/// <code>
/// using var reader = AudioReader.Open("meeting.wav", new AudioReadOptions { TargetSampleRate = 16000 });
/// foreach (SpeechChunk chunk in new EnergyVad(16000).Segment(reader.ReadBlocks()))
///     Console.WriteLine($"{chunk.Segment.Start:F2}-{chunk.Segment.End:F2}: {chunk.Samples.Length} samples");
/// </code>
/// </example>
public sealed class EnergyVad
{
    /// <summary>A detector for mono audio at <paramref name="sampleRate"/> Hz.</summary>
    /// <param name="sampleRate">Rate of the samples that will be fed, in Hz.</param>
    /// <param name="options">Thresholds and segment bounds; null for the defaults.</param>
    public EnergyVad(int sampleRate, EnergyVadOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1000);
        Options = options ?? new EnergyVadOptions();
        Options.Validate();
        SampleRate = sampleRate;
    }

    /// <summary>Rate of the samples fed, in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>The parameters in use.</summary>
    public EnergyVadOptions Options { get; }

    /// <summary>Speech segments of the audio in <paramref name="blocks"/> (consecutive mono
    /// blocks of any sizes), yielded lazily as each one is settled.</summary>
    public IEnumerable<SpeechSegment> Detect(IEnumerable<float[]> blocks) =>
        Run(blocks, keepAudio: false).Select(c => c.Segment);

    /// <summary>Like <see cref="Detect(IEnumerable{float[]})"/>, with each segment's samples.</summary>
    public IEnumerable<SpeechChunk> Segment(IEnumerable<float[]> blocks) => Run(blocks, keepAudio: true);

    /// <summary>Speech segments of a whole file, read through <paramref name="reader"/> (whose
    /// output rate must be <see cref="SampleRate"/>).</summary>
    public IEnumerable<SpeechSegment> Detect(AudioReader reader)
    {
        if (reader.SampleRate != SampleRate)
            throw new ArgumentException($"reader delivers {reader.SampleRate} Hz; this detector was made for " +
                $"{SampleRate} Hz", nameof(reader));
        return Detect(reader.ReadBlocks());
    }

    private IEnumerable<SpeechChunk> Run(IEnumerable<float[]> blocks, bool keepAudio)
    {
        var run = new EnergyVadRun(Options, SampleRate, keepAudio);
        foreach (float[] block in blocks)
        {
            run.Feed(block);
            while (run.TryTake(out SpeechChunk? chunk)) yield return chunk;
        }
        run.Finish();
        while (run.TryTake(out SpeechChunk? chunk)) yield return chunk;
    }
}
