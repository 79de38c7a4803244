using Pipelines.Speech.Audio;
using Pipelines.Speech.Decoding;
using Pipelines.Speech.Model;
using Pipelines.Speech.Vad;

namespace Pipelines.Speech.Transcription;

/// <summary>
/// Speech to text for whole files with one loaded model: the file is streamed at the model's
/// rate through <see cref="EnergyVad"/>, and each speech segment goes through the model's log-mel
/// features, the acoustic model and a CTC decoder whose frame times are offset by the segment's
/// start, so every word time is absolute. Memory is bounded by one segment plus the detector's
/// look-ahead, whatever the file's length. Silence or steady noise gives an empty transcript.
/// </summary>
/// <remarks>
/// Safe to share between threads: decoding runs in parallel; a model of ours runs one segment at
/// a time (<see cref="NativeCtcModel"/>), an ONNX model (<see cref="OnnxCtcModel"/>) as ONNX Runtime allows.
/// </remarks>
/// <example>
/// <code>
/// var transcriber = SpeechTranscriber.Load("models/speech-digits");
/// var result = transcriber.Transcribe("call.wav", new TranscriptionOptions { BeamWidth = 8 });
/// Console.WriteLine($"{result.Duration:F1} s: {result.Transcript.Text}");
/// </code>
/// </example>
public sealed class SpeechTranscriber
{
    private readonly CtcVocabulary _vocabulary;

    /// <summary>
    /// Voice activity settings used when none are given. Against the detector's own defaults they
    /// pad more (0.3 s, not 0.1 s: the digits model was trained on whole clips with their quiet
    /// edges, and cutting them costs words) and accept quieter speech (-60 dBFS and 6 dB over the
    /// noise floor, not -50 and 10: quiet takes were dropped whole). On the digits model's
    /// validation takes (recordings 0-4 of the four training speakers) they give 192 of 200 clips
    /// right, as many as the model on whole clips, against 189 with the detector's defaults.
    /// </summary>
    public static EnergyVadOptions DefaultVad { get; } = new()
    {
        AbsoluteThresholdDb = -60,
        MarginDb = 6,
        PaddingSeconds = 0.3,
    };

    /// <summary>A transcriber around an already loaded <paramref name="model"/>.</summary>
    /// <param name="model">The acoustic model; its config gives rate, features and vocabulary.</param>
    /// <param name="vad">Voice activity settings; <see cref="DefaultVad"/> when null.</param>
    public SpeechTranscriber(AcousticModel model, EnergyVadOptions? vad = null)
        : this(new NativeCtcModel(model ?? throw new ArgumentNullException(nameof(model))), vad)
    {
    }

    /// <summary>A transcriber around any CTC acoustic model (ours or an <see cref="OnnxCtcModel"/>).</summary>
    /// <param name="model">Rate, vocabulary and log-probabilities of audio.</param>
    /// <param name="vad">Voice activity settings; <see cref="DefaultVad"/> when null.</param>
    public SpeechTranscriber(ICtcAcousticModel model, EnergyVadOptions? vad = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        VadOptions = vad ?? DefaultVad;
        VadOptions.Validate();
        var tokens = model.Vocabulary;
        _vocabulary = tokens.WordSeparator is null
            ? CtcVocabulary.Words(tokens.Tokens, tokens.BlankIndex)
            : CtcVocabulary.Characters(tokens.Tokens, tokens.BlankIndex, tokens.WordSeparator);
    }

    /// <summary>The acoustic model.</summary>
    public ICtcAcousticModel Model { get; }

    /// <summary>The voice activity settings.</summary>
    public EnergyVadOptions VadOptions { get; }

    /// <summary>Sample rate the audio is read at (the model's).</summary>
    public int SampleRate => Model.SampleRate;

    /// <summary>
    /// Loads the model directory once: an ONNX model when its config's architecture type is
    /// <c>onnx-ctc</c> (<see cref="OnnxCtcModel.Load"/>), else a model of ours, with the
    /// ensemble and test-time padding its "test_time" section asks for
    /// (<see cref="AcousticModelDirectory.LoadCtc"/>).
    /// </summary>
    /// <exception cref="FileNotFoundException">The directory, its config or its weights are missing.</exception>
    /// <exception cref="InvalidDataException">The directory is not a valid acoustic model.</exception>
    public static SpeechTranscriber Load(string modelDirectory)
    {
        var config = Rnn.Core.Serialization.ModelIo.ReadConfig(modelDirectory);
        return OnnxCtcModel.Describes(config)
            ? new SpeechTranscriber(OnnxCtcModel.Load(modelDirectory))
            : new SpeechTranscriber(AcousticModelDirectory.LoadCtc(modelDirectory));
    }

    /// <summary>Transcribes one audio file (any WAV or MP3 <see cref="AudioReader"/> reads).</summary>
    /// <param name="path">The audio file.</param>
    /// <param name="options">Decoder settings; defaults (greedy, words) when null.</param>
    /// <param name="progress">Fraction of the audio done after each segment, when the file's duration is
    /// known from its header; 1 at the end in every case.</param>
    /// <param name="cancellationToken">Checked between segments.</param>
    /// <exception cref="AudioFormatException">The file cannot be read as audio; the message is one line.</exception>
    public TranscriptionResult Transcribe(string path, TranscriptionOptions? options = null,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new TranscriptionOptions();
        options.Validate();
        var transcriber = new CtcTranscriber(Decoder(options.BeamWidth), _vocabulary);

        using var reader = AudioReader.Open(path, new AudioReadOptions { TargetSampleRate = SampleRate });
        double? known = reader.SourceDuration?.TotalSeconds;
        var parts = new List<Transcript>();
        foreach (SpeechChunk chunk in new EnergyVad(SampleRate, VadOptions).Segment(reader.ReadBlocks(SampleRate)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            parts.Add(TranscribeSegment(transcriber, chunk));
            if (known is > 0)
            {
                progress?.Report(Math.Min(1, chunk.Segment.End / known.Value));
            }
        }

        progress?.Report(1);
        var transcript = Transcript.Merge(parts);
        if (options.DigitsAsNumerals)
        {
            transcript = DigitNumerals.Apply(transcript);
        }

        return new TranscriptionResult(path, transcript, (double)reader.SamplesRead / SampleRate, parts.Count)
        {
            Warnings = reader.Warnings.ToArray(),
        };
    }

    private Transcript TranscribeSegment(CtcTranscriber transcriber, SpeechChunk chunk)
    {
        // log-probs [time', vocab]; a segment at 0 s has no audio of the recording before it.
        AcousticOutput output = Model.Infer(chunk.Samples, startsRecording: chunk.Segment.Start <= 0);

        if (output.Frames == 0)
        {
            return Transcript.Empty;
        }

        // Frames of a lead-in (padding before the audio) are decoded too, then their times are
        // moved back by its length and clamped to the segment: a word fired there starts the segment.
        var logProbs = new LogProbMatrix(output.LogProbs, output.Frames, output.Vocab);
        double lead = output.LeadInFrames * output.FrameSeconds;
        var timing = new FrameTiming(output.FrameSeconds, chunk.Segment.Start);
        var members = output.Members?.Select(m => new LogProbMatrix(m.LogProbs, m.Frames, m.Vocab)).ToArray();
        var decoded = transcriber.Transcribe(logProbs, timing, chunk.Segment.End + lead, members);
        if (lead > 0)
        {
            decoded = ShiftBack(decoded, lead, chunk.Segment.Start, chunk.Segment.End);
        }

        // CTC fires each word on a spike; the words get the stretch of audio they are heard in.
        return new Transcript(decoded.Segments.Select(s => s with
        {
            Words = WordTiming.Spread(s.Words, chunk.Samples, SampleRate, chunk.Segment.Start, s.End),
        }));
    }

    // Times moved earlier by lead seconds and clamped to [start, end].
    private static Transcript ShiftBack(Transcript transcript, double lead, double start, double end)
    {
        double Move(double t) => Math.Clamp(t - lead, start, end);
        return new Transcript(transcript.Segments.Select(s => s with
        {
            Start = Move(s.Start + lead),
            End = Move(s.End),
            Words = s.Words.Select(w => w with { Start = Move(w.Start), End = Move(w.End) }).ToArray(),
        }));
    }

    private ICtcDecoder Decoder(int beamWidth) => beamWidth <= 1
        ? new GreedyCtcDecoder(_vocabulary.Blank)
        : new CtcPrefixBeamSearch(_vocabulary, new CtcBeamSearchOptions { BeamWidth = beamWidth });
}
