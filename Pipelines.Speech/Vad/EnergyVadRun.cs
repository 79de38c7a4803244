using System.Diagnostics.CodeAnalysis;

namespace Pipelines.Speech.Vad;

/// <summary>
/// The state of one <see cref="EnergyVad"/> pass. Frame decisions are made a chunk of
/// <see cref="ChunkFrames"/> frames at a time, once the noise window after the chunk has
/// arrived, so the result does not depend on how the audio was cut into blocks.
/// Frame indices and sample positions are absolute (from the start of the audio).
/// </summary>
internal sealed class EnergyVadRun
{
    private const int ChunkFrames = 25;
    private const double SilentDb = -120; // 10 log10 of the 1e-12 added to every mean square

    private readonly EnergyVadOptions o;
    private readonly int frameLength, window, minSpeech, minSilence, maxCore, pad;
    private readonly bool keepAudio;
    private readonly Queue<SpeechChunk> ready = new();
    private readonly Queue<(long Start, long End)> closed = new(); // frame ranges awaiting their padding

    private readonly List<float> energies = []; // dB per frame, from frame energyBase on
    private long energyBase, frames;
    private double sumSquares;
    private double sum;
    private int inFrame;

    private readonly List<float> audio = []; // samples from audioBase on, when keepAudio
    private long audioBase, samplesSeen, lastEnd;

    private long nextChunk; // first frame not yet decided
    private bool inSpeech, finished;
    private long speechStart, lastActive;

    public EnergyVadRun(EnergyVadOptions options, int sampleRate, bool keepAudio)
    {
        o = options;
        this.keepAudio = keepAudio;
        frameLength = Math.Max(1, (int)Math.Round(o.FrameSeconds * sampleRate));
        double frameSeconds = (double)frameLength / sampleRate;
        window = (int)Math.Ceiling(o.NoiseWindowSeconds / frameSeconds);
        minSpeech = (int)Math.Round(o.MinSpeechSeconds / frameSeconds);
        minSilence = Math.Max(1, (int)Math.Round(o.MinSilenceSeconds / frameSeconds));
        pad = (int)Math.Round(o.PaddingSeconds * sampleRate);
        maxCore = Math.Max(2, (int)Math.Floor((o.MaxSegmentSeconds * sampleRate - 2 * pad) / frameLength));
        SampleRate = sampleRate;
    }

    private int SampleRate { get; }

    /// <summary>Samples held for segments not yet given out (for tests of the memory bound).</summary>
    internal int BufferedSamples => audio.Count;

    public void Feed(ReadOnlySpan<float> block)
    {
        if (keepAudio) audio.AddRange(block);
        foreach (float x in block)
        {
            sumSquares += (double)x * x;
            sum += x;
            if (++inFrame == frameLength) EndFrame();
        }
        samplesSeen += block.Length;
        Decide();
        Trim();
    }

    public void Finish()
    {
        if (inFrame > 0) EndFrame(); // the last, partial frame counts over the samples it has
        finished = true;
        Decide();
        if (inSpeech) Close(speechStart, lastActive + 1);
        inSpeech = false;
        Emit();
    }

    public bool TryTake([NotNullWhen(true)] out SpeechChunk? chunk) => ready.TryDequeue(out chunk);

    private void EndFrame()
    {
        // The frame's variance, not its mean square: a DC offset in the recording carries no
        // speech, and counting it as energy hid quiet speech under a constant shift.
        double mean = sum / inFrame;
        double variance = Math.Max(0, sumSquares / inFrame - mean * mean);
        energies.Add((float)(10 * Math.Log10(variance + 1e-12)));
        frames++;
        sumSquares = 0;
        sum = 0;
        inFrame = 0;
    }

    private float Energy(long frame) => energies[(int)(frame - energyBase)];

    private void Decide()
    {
        while (nextChunk < frames && (finished || nextChunk + ChunkFrames - 1 + window < frames))
        {
            long end = Math.Min(nextChunk + ChunkFrames, frames);
            double threshold = Math.Max(o.AbsoluteThresholdDb, NoiseFloor(nextChunk, end) + o.MarginDb);
            for (long t = nextChunk; t < end; t++) Step(t, Energy(t) > threshold);
            nextChunk = end;
        }
        Emit();
    }

    /// <summary>The chosen percentile of frame energies within the window around [from, to).</summary>
    private double NoiseFloor(long from, long to)
    {
        long lo = Math.Max(0, from - window), hi = Math.Min(frames, to + window);
        if (hi <= lo) return SilentDb;
        float[] values = energies.GetRange((int)(lo - energyBase), (int)(hi - lo)).ToArray();
        Array.Sort(values);
        return values[(int)(o.NoisePercentile * (values.Length - 1))];
    }

    private void Step(long t, bool active)
    {
        if (active)
        {
            if (!inSpeech) (inSpeech, speechStart) = (true, t);
            lastActive = t;
        }
        else if (inSpeech && t - lastActive >= minSilence)
        {
            Close(speechStart, lastActive + 1);
            inSpeech = false;
        }

        if (inSpeech && t + 1 - speechStart >= maxCore)
        {
            // Too long: cut at the quietest frame of the second half, the likeliest pause; of
            // frames within 1 dB of each other the later wins, so pieces stay long.
            long split = speechStart + maxCore / 2;
            for (long f = split + 1; f <= t; f++)
                if (Energy(f) <= Energy(split) + 1) split = f;
            Close(speechStart, split);
            speechStart = split;
        }
    }

    private void Close(long startFrame, long endFrame)
    {
        if (endFrame - startFrame >= Math.Max(1, minSpeech)) closed.Enqueue((startFrame, endFrame));
    }

    /// <summary>Turns closed frame ranges into padded segments once their padding has arrived.</summary>
    private void Emit()
    {
        while (closed.TryPeek(out var range))
        {
            long endSample = range.End * frameLength + pad;
            if (!finished && samplesSeen < endSample) return;
            closed.Dequeue();
            long start = Math.Max(lastEnd, range.Start * frameLength - pad);
            long end = Math.Min(samplesSeen, endSample);
            if (end <= start) continue;
            float[] samples = keepAudio ? audio.GetRange((int)(start - audioBase), (int)(end - start)).ToArray() : [];
            ready.Enqueue(new SpeechChunk(new SpeechSegment((double)start / SampleRate, (double)end / SampleRate),
                samples));
            lastEnd = end;
        }
    }

    /// <summary>Drops energies and samples no future decision or segment can need.</summary>
    private void Trim()
    {
        long firstFrame = Math.Min(nextChunk - window, inSpeech ? speechStart : nextChunk);
        if (closed.TryPeek(out var pending)) firstFrame = Math.Min(firstFrame, pending.Start);
        long dropFrames = firstFrame - energyBase;
        if (dropFrames > 4 * ChunkFrames)
        {
            energies.RemoveRange(0, (int)dropFrames);
            energyBase += dropFrames;
        }

        // A future segment starts no earlier than its first frame minus the padding, nor before
        // the end of the last segment given out.
        long firstSample = nextChunk * frameLength - pad;
        if (inSpeech) firstSample = Math.Min(firstSample, speechStart * frameLength - pad);
        if (closed.TryPeek(out pending)) firstSample = Math.Min(firstSample, pending.Start * frameLength - pad);
        firstSample = Math.Max(firstSample, lastEnd);
        long dropSamples = Math.Min(firstSample, samplesSeen) - audioBase;
        if (keepAudio && dropSamples > SampleRate)
        {
            audio.RemoveRange(0, (int)dropSamples);
            audioBase += dropSamples;
        }
    }
}
