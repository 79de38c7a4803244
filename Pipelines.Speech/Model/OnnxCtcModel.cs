using Microsoft.ML.OnnxRuntime;
using Pipelines.Speech.Features;
using Rnn.Core.Serialization;

namespace Pipelines.Speech.Model;

/// <summary>
/// A CTC acoustic model in ONNX, run by ONNX Runtime, that stands where a model of this project
/// stands. Its directory holds <c>config.json</c> (architecture type <c>onnx-ctc</c>) and the
/// <c>.onnx</c> file. The config says what the graph reads (<c>"input": "waveform"</c>: mono samples
/// [batch, samples] or [batch, 1, samples]; or <c>"log-mel"</c>: [batch, time, n_mels], or n_mfcc MFCCs when
/// the config has <c>preprocessing.n_mfcc</c>, computed with
/// the preprocessing settings and normalisation of our own models), the vocabulary and blank
/// index, and optionally <c>output_frame_seconds</c>. The graph's output is [batch, time', vocab]
/// (or [time', vocab]) logits or log-probabilities: a log-softmax is applied to each frame, which
/// leaves log-probabilities unchanged.
/// </summary>
/// <example>
/// <code>
/// // config.json:
/// // {"format": "multimodal-model", "version": 1,
/// //  "architecture": {"type": "onnx-ctc", "file": "model.onnx", "input": "waveform"},
/// //  "preprocessing": {"sample_rate": 16000},
/// //  "vocabulary": {"tokens": ["&lt;blank&gt;", "a", "b", "|"], "blank_index": 0, "word_separator": "|"}}
/// using var model = OnnxCtcModel.Load("models/my-onnx");
/// var transcriber = new SpeechTranscriber(model);
/// </code>
/// </example>
public sealed class OnnxCtcModel : ICtcAcousticModel, IDisposable
{
    /// <summary>architecture.type of an ONNX model directory.</summary>
    public const string ArchitectureType = "onnx-ctc";

    private readonly InferenceSession session;
    private readonly string inputName;
    private readonly string outputName;
    private readonly int inputRank;
    private readonly double? frameSeconds;
    private readonly ThreadLocal<LogMelSpectrogram>? extractors;

    private OnnxCtcModel(InferenceSession session, string inputName, string outputName, int inputRank,
        int sampleRate, AcousticFeatures? features, AcousticVocabulary vocabulary, double? frameSeconds)
    {
        this.session = session;
        this.inputName = inputName;
        this.outputName = outputName;
        this.inputRank = inputRank;
        this.frameSeconds = frameSeconds;
        SampleRate = sampleRate;
        Features = features;
        Vocabulary = vocabulary;
        extractors = features is null ? null : new ThreadLocal<LogMelSpectrogram>(features.CreateExtractor);
    }

    /// <inheritdoc />
    public int SampleRate { get; }

    /// <summary>The log-mel settings of a log-mel model; null when the graph reads the waveform.</summary>
    public AcousticFeatures? Features { get; }

    /// <inheritdoc />
    public AcousticVocabulary Vocabulary { get; }

    /// <summary>True when <paramref name="config"/> describes an ONNX model directory.</summary>
    public static bool Describes(ModelConfig config) =>
        config.Get<string?>("architecture.type", null) == ArchitectureType;

    /// <summary>Loads the directory: checks the config, opens the graph and checks its input and output.</summary>
    /// <exception cref="FileNotFoundException">The config or the ONNX file is missing.</exception>
    /// <exception cref="InvalidDataException">The config is wrong, the file is not a loadable ONNX model, or the
    /// graph's input or output does not fit the config; the message names the file and the mismatch.</exception>
    public static OnnxCtcModel Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var config = ModelIo.ReadConfig(directory);
        var (path, features, vocabulary, rate, frame) = Check(config, directory);
        return Open(path, config, features, vocabulary, rate, frame);
    }

    /// <summary>
    /// What <see cref="Load"/> checks before it opens the graph: the config's fields and that the
    /// ONNX file is there, without reading it (the models listing uses this).
    /// </summary>
    /// <returns>The full path of the ONNX file.</returns>
    /// <exception cref="FileNotFoundException">The ONNX file is missing.</exception>
    /// <exception cref="InvalidDataException">The config is wrong; the message names the field.</exception>
    public static string CheckDirectory(ModelConfig config, string directory) => Check(config, directory).Path;

    private static (string Path, AcousticFeatures? Features, AcousticVocabulary Vocabulary, int Rate, double? Frame)
        Check(ModelConfig config, string directory)
    {
        if (!Describes(config))
        {
            throw new InvalidDataException($"{config.Source}: architecture.type is not '{ArchitectureType}'");
        }

        string file = config.Get("architecture.file", "model.onnx");
        string path = Path.GetFullPath(Path.Combine(directory, file));
        if (Path.GetRelativePath(Path.GetFullPath(directory), path).StartsWith("..", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{config.Source}: architecture.file '{file}' points outside the directory");
        }

        if (Directory.Exists(path))
        {
            // File.Exists is false for a folder too: "missing model.onnx" would send the user looking for it.
            throw new InvalidDataException(
                $"{config.Source}: architecture.file '{file}' is a folder, not an ONNX file");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"model directory '{directory}' has no ONNX file '{file}'", path);
        }

        string input = config.Get<string>("architecture.input");
        AcousticFeatures? features = input switch
        {
            "waveform" => null,
            "log-mel" => AcousticModelConfig.ReadFeatures(config),
            _ => throw new InvalidDataException(
                $"{config.Source}: architecture.input is '{input}', expected 'waveform' or 'log-mel'"),
        };
        if (features is { PadSeconds: > 0 })
        {
            // Limit: the lead-in frames would need dropping, and the graph's frame length may be unknown.
            throw new InvalidDataException(
                $"{config.Source}: preprocessing.pad_seconds is not supported with ONNX graphs; remove it");
        }

        var vocabulary = AcousticModelConfig.ReadVocabulary(config);
        int rate = config.Get<int>("preprocessing.sample_rate");
        double? frame = config.Get<double?>("architecture.output_frame_seconds", null);
        if (rate < 1000 || rate > 768_000 || frame is <= 0)
        {
            throw new InvalidDataException(
                $"{config.Source}: need sample_rate in 1000..768000 and output_frame_seconds > 0; got {rate}, {frame}");
        }

        return (path, features, vocabulary, rate, frame);
    }

    /// <inheritdoc />
    public AcousticOutput Infer(float[] samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        float[] input;
        long[] shape;
        double seconds = (double)samples.Length / SampleRate;
        if (extractors is not null)
        {
            var features = Features!.Compute(extractors.Value!, samples);   // [time, mels], normalised
            if (features.Frames == 0)
            {
                return Empty();
            }

            (input, shape) = (features.Data, new long[] { 1, features.Frames, features.Features });
        }
        else
        {
            if (samples.Length == 0)
            {
                return Empty();
            }

            input = samples;
            shape = inputRank == 3 ? new long[] { 1, 1, samples.Length } : new long[] { 1, samples.Length };
        }

        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var run = new RunOptions();
        try
        {
            using var results = session.Run(run, new[] { inputName }, new[] { value }, new[] { outputName });
            return LogSoftmax(results[0], seconds);
        }
        catch (OnnxRuntimeException e)
        {
            // A graph that loads can still fail on an input (a size the config gets wrong): the
            // file's error line, without ONNX Runtime's "[ErrorCode:Fail] " prefix.
            int end = e.Message.StartsWith('[') ? e.Message.IndexOf("] ", StringComparison.Ordinal) : -1;
            string reason = end > 0 ? e.Message[(end + 2)..] : e.Message;
            throw new InvalidDataException($"ONNX Runtime could not run the model on it: {reason}", e);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        session.Dispose();
        extractors?.Dispose();
    }

    private static OnnxCtcModel Open(string path, ModelConfig config, AcousticFeatures? features,
        AcousticVocabulary vocabulary, int rate, double? frame)
    {
        FileKind.RequireRegular(path, path);   // ONNX Runtime would wait for ever on a named pipe
        InferenceSession session;
        try
        {
            // Errors come back as exceptions, turned into one line per file; ONNX Runtime's own log
            // would print them again on stderr, with terminal colour codes.
            using var options = new SessionOptions
            {
                InterOpNumThreads = 1,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
            };
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"'{path}' is not a loadable ONNX model: {e.Message}", e);
        }

        try
        {
            string inputName = config.Get("architecture.input_name", session.InputNames[0]);
            string outputName = config.Get("architecture.output_name", session.OutputNames[0]);
            int rank = CheckInput(session, inputName, features, path);
            CheckOutput(session, outputName, vocabulary.Count, path);
            return new OnnxCtcModel(session, inputName, outputName, rank, rate, features, vocabulary, frame);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static int CheckInput(InferenceSession session, string name, AcousticFeatures? features, string path)
    {
        if (!session.InputMetadata.TryGetValue(name, out var meta))
        {
            throw new InvalidDataException(
                $"'{path}' has no input '{name}'; its inputs are {string.Join(", ", session.InputNames)}");
        }

        int[] dims = meta.Dimensions;
        bool ok = meta.ElementType == typeof(float) && (features is null
            ? (dims.Length == 2 && dims[1] == -1) || (dims.Length == 3 && dims[1] is 1 or -1 && dims[2] == -1)
            : dims.Length == 3 && (dims[2] == -1 || dims[2] == features.FeatureCount));
        if (!ok)
        {
            string expected = features is null
                ? "float [batch, samples] or [batch, 1, samples] with any number of samples"
                : $"float [batch, time, {features.FeatureCount}]";
            throw new InvalidDataException(
                $"'{path}': input '{name}' is {ElementName(meta.ElementType)} [{string.Join(", ", dims)}], "
                + $"expected {expected}");
        }

        return dims.Length;
    }

    // A tensor's element type in ONNX's words ("float", "int64"), not .NET's ("Single", "Int64").
    private static string ElementName(Type type) => type == typeof(float) ? "float"
        : type == typeof(double) ? "double"
        : type == typeof(long) ? "int64"
        : type == typeof(int) ? "int32"
        : type == typeof(Half) ? "float16"
        : type == typeof(byte) ? "uint8"
        : type == typeof(bool) ? "bool"
        : type == typeof(string) ? "string"
        : type.Name.ToLowerInvariant();

    private static void CheckOutput(InferenceSession session, string name, int vocab, string path)
    {
        if (!session.OutputMetadata.TryGetValue(name, out var meta))
        {
            throw new InvalidDataException(
                $"'{path}' has no output '{name}'; its outputs are {string.Join(", ", session.OutputNames)}");
        }

        int[] dims = meta.Dimensions;
        if (meta.ElementType != typeof(float) || dims.Length is not (2 or 3) || (dims[^1] != -1 && dims[^1] != vocab))
        {
            throw new InvalidDataException(
                $"'{path}': output '{name}' is {ElementName(meta.ElementType)} [{string.Join(", ", dims)}], " +
                "expected float " +
                $"[batch, time, {vocab}] (the vocabulary has {vocab} tokens)");
        }
    }

    // Frames of the (single) batch entry, each log-softmaxed in double for stability.
    private AcousticOutput LogSoftmax(OrtValue output, double seconds)
    {
        long[] shape = output.GetTensorTypeAndShape().Shape;
        int vocab = Vocabulary.Count;
        if (shape[^1] != vocab || (shape.Length == 3 && shape[0] != 1))
        {
            throw new InvalidDataException(
                $"the ONNX model returned [{string.Join(", ", shape)}]; expected [1, time, {vocab}]");
        }

        ReadOnlySpan<float> data = output.GetTensorDataAsSpan<float>();
        int frames = data.Length / vocab;
        var result = new float[frames * vocab];   // [time', vocab]
        for (int t = 0; t < frames; t++)
        {
            ReadOnlySpan<float> row = data.Slice(t * vocab, vocab);
            float max = float.NegativeInfinity;
            foreach (float v in row) max = Math.Max(max, v);
            double sum = 0;
            foreach (float v in row) sum += Math.Exp(v - max);
            float log = max + (float)Math.Log(sum);
            for (int k = 0; k < vocab; k++) result[t * vocab + k] = row[k] - log;
        }

        // Without a configured frame length, the frames are taken to cover the audio evenly.
        double frame = frameSeconds ?? (frames > 0 ? seconds / frames : 0.01);
        return new AcousticOutput(result, frames, vocab, frame);
    }

    private AcousticOutput Empty() => new([], 0, Vocabulary.Count, frameSeconds ?? 0.01);
}
