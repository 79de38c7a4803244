using Pipelines.Speech.Data;
using Pipelines.Speech.Decoding;
using Pipelines.Speech.Features;
using Pipelines.Speech.Model;
using Rnn.Core;
using Rnn.Core.Training;

namespace Pipelines.Speech.Training;

/// <summary>
/// Trains and evaluates the FSDD connected-digits model. Training data: every clip of the
/// training speakers with recording index 5..49, as single digits and joined into 1-8 digit
/// utterances (the singles both as recorded and augmented); validation: the same speakers'
/// recordings 0-4 (singles and joined); test: the
/// held-out speaker's clips, never seen in training or validation. Word tokens ("zero".."nine")
/// are used rather than characters: a digit is then one CTC label of ~0.4 s, which a 40 ms
/// output frame rate covers easily, and the model cannot spell non-digits.
/// </summary>
public static class DigitsRecipe
{
    /// <summary>Builds the data, trains, and returns the model with its held-out figures.</summary>
    /// <param name="options">Data, model and training settings.</param>
    /// <param name="log">Receives one line per report (data sizes, steps, epochs, results).</param>
    /// <param name="cancellation">Stops between steps.</param>
    public static (AcousticModel Model, DigitsEvaluation HeldOut) Run(
        DigitsRecipeOptions options, Action<string> log, CancellationToken cancellation = default)
    {
        var fsdd = FsddDigits.Open(options.FsddFolder);
        var (trainClips, validationClips, heldOut) = Split(fsdd, options.HeldOutSpeaker);
        var rng = new Rng(options.Seed);
        var features = options.Model.Features;
        var espeak = options.SyntheticSpeakers > 0 ? EspeakClips(options) : Array.Empty<FsddClip>();
        var natural = options.NaturalSpeakers > 0 ? NaturalClips(options) : Array.Empty<FsddClip>();
        var accented = options.AccentedSpeakers > 0 ? AccentedClips(options) : Array.Empty<FsddClip>();
        // The sources' speaker names never collide ("espeak..", "accent.." and "tts.."), so one
        // list serves them all: BuildTraining groups it by speaker.
        var synthetic = espeak.Concat(natural).Concat(accented).ToArray();
        var train = BuildTraining(fsdd, trainClips, synthetic, options, rng);
        if (features.Normalization == NormalizationMode.Global && features.Stats is null)
        {
            // Fixed statistics of the training utterances (augmented copies included), saved
            // with the model so that inference normalises exactly as training did.
            features = features with { Stats = TrainingStats(train, features) };
            options = options with { Model = options.Model with { Features = features } };
            log($"global normalisation: statistics of {features.Stats.Frames} training frames");
        }

        var validation = new List<SpeechUtterance>(validationClips.Select(fsdd.Single));
        var plain = options.PlainSequences;
        for (int i = 0; i < (validationClips.Count > 0 ? options.ValidationSequences : 0); i++)
        {
            validation.Add(fsdd.JoinClips(validationClips, plain, rng));
        }

        var vocab = options.Model.Vocabulary;
        var trainExamples = Featurize(train, features, vocab, keepBands: options.Training.Vtlp is not null);
        var validationExamples = Featurize(validation, features, vocab);
        log($"data: {trainExamples.Count} training utterances ({train.Sum(u => u.Seconds) / 60:F1} min) from " +
            $"{string.Join(", ", trainClips.Select(c => c.Speaker).Distinct())} " +
            $"and {espeak.Count} espeak-ng + {accented.Count} accented espeak-ng + {natural.Count} flite/festival " +
            "synthetic clips; " +
            $"{validationExamples.Count} validation; " +
            $"test: {(options.HeldOutSpeaker is null ? "standard split (recordings 0-4)" : options.HeldOutSpeaker)}");

        var model = new AcousticModel(options.Model, rng.Fork());
        if (options.Initial is { } initial)
        {
            var (theirs, ours) = (initial.Config.Features, options.Model.Features);
            if (theirs.SampleRate != ours.SampleRate || theirs.FeatureCount != ours.FeatureCount
                || theirs.Mfcc != ours.Mfcc)
            {
                throw new ArgumentException(
                    $"the initial model reads {theirs.FeatureCount} features at {theirs.SampleRate} Hz " +
                    $"(MFCC {theirs.Mfcc}); this recipe reads {ours.FeatureCount} at {ours.SampleRate} Hz " +
                    $"(MFCC {ours.Mfcc})");
            }

            var copied = model.CopyWeightsFrom(initial);
            log($"initial weights: {copied.Copied.Count} of {model.NamedParameters().Count()} parameters whole and " +
                $"{copied.TokensKept} of {copied.Tokens} output tokens from the given model");
        }

        log($"model: {options.Model.FrontEnd} front end, {options.Model.Layers}x" +
            $"{(options.Model.Bidirectional ? "Bi" : "")}{options.Model.Cell} {options.Model.Hidden}, " +
            $"{model.ParameterCount()} parameters, output frame {options.Model.OutputFrameSeconds * 1000:F0} ms");
        var trainer = new SpeechTrainer(model, options.Training);
        var average = options.AverageLastEpochs > 1 ? new ParameterAverage(model) : null;
        int firstAveraged = options.Training.Epochs - options.AverageLastEpochs;
        var progress = new InlineProgress(p =>
        {
            log(p.ToString());
            if (average is not null && p.Event == TrainingEvent.EpochEnd && p.Epoch >= firstAveraged) average.Add();
        });
        trainer.Fit(trainExamples, validationExamples.Count > 0 ? validationExamples : null, progress, cancellation);

        var evaluation = Evaluate(model, fsdd, heldOut, options.TestSequences, plain, options.TestSeed);
        if (average is { Count: > 1 })
        {
            Report(evaluation, $"last epoch, {evaluation.Speaker}", log);
            average.CopyTo(model);
            evaluation = Evaluate(model, fsdd, heldOut, options.TestSequences, plain, options.TestSeed);
            log($"weights averaged over the last {average.Count} epochs");
        }

        Report(evaluation, evaluation.Speaker, log);
        return (model, evaluation);
    }

    private static void Report(DigitsEvaluation evaluation, string what, Action<string> log) =>
        log($"test {what}: single-digit accuracy {evaluation.SingleAccuracy:P2} " +
            $"({evaluation.SingleClips} clips); digit error rate {evaluation.DigitErrorRate:P2} on " +
            $"{evaluation.Sequences} joined utterances ({evaluation.SequenceDigits} digits), " +
            $"{evaluation.SequenceAccuracy:P1} exactly right; {evaluation.LongSeconds:F1} s recording " +
            $"({evaluation.LongDigits} digits) decoded whole: digit error rate {evaluation.LongDigitErrorRate:P2}, " +
            $"real-time factor {evaluation.LongRealTimeFactor:F4}");

    // The espeak-ng speakers and takes asked for. The folder is shared between runs, so one left
    // by a larger run (--synth 200) holds more; without this filter a later --synth 60 trained on
    // all 200 speakers without saying so.
    private static IReadOnlyList<FsddClip> EspeakClips(DigitsRecipeOptions options)
    {
        var espeak = EspeakDigits.Synthesize(options.SyntheticFolder, options.SyntheticSpeakers,
            options.SyntheticTakes, options.Seed ^ 0xE5EA4UL);
        return FirstSpeakers(espeak.Clips, options.SyntheticSpeakers, options.SyntheticTakes, EspeakDigits.SpeakerName);
    }

    // The accented espeak-ng speakers asked for (their own folder and seed), filtered the same way.
    private static IReadOnlyList<FsddClip> AccentedClips(DigitsRecipeOptions options)
    {
        var accented = EspeakDigits.Synthesize(options.AccentedFolder, options.AccentedSpeakers,
            options.SyntheticTakes, options.Seed ^ 0xACCE47UL, accented: true);
        return FirstSpeakers(accented.Clips, options.AccentedSpeakers, options.SyntheticTakes,
            i => EspeakDigits.SpeakerName(i, accented: true));
    }

    // The flite/festival speakers and takes asked for, filtered the same way.
    private static IReadOnlyList<FsddClip> NaturalClips(DigitsRecipeOptions options)
    {
        var tts = NaturalTtsDigits.Synthesize(options.NaturalFolder, options.NaturalSpeakers,
            options.NaturalTakes, options.Seed ^ 0x7755UL);
        return FirstSpeakers(tts.Clips, options.NaturalSpeakers, options.NaturalTakes, NaturalTtsDigits.SpeakerName);
    }

    /// <summary>
    /// The clips of synthetic speakers 0..<paramref name="speakers"/>-1 (named by
    /// <paramref name="speakerName"/>) with take index below <paramref name="takes"/>, in their
    /// original order: what a run asked for, whatever else a shared folder holds.
    /// </summary>
    public static IReadOnlyList<FsddClip> FirstSpeakers(
        IReadOnlyList<FsddClip> clips, int speakers, int takes, Func<int, string> speakerName)
    {
        var names = Enumerable.Range(0, speakers).Select(speakerName).ToHashSet(StringComparer.Ordinal);
        return clips.Where(c => names.Contains(c.Speaker) && c.Index < takes).ToArray();
    }

    // Real clips as recorded and augmented, synthetic clips augmented, and joined utterances of
    // one speaker each (real with RealSequenceShare, else synthetic), with wave augmentation.
    private static List<SpeechUtterance> BuildTraining(
        FsddDigits fsdd, IReadOnlyList<FsddClip> real, IReadOnlyList<FsddClip> synthetic,
        DigitsRecipeOptions options, Rng rng)
    {
        SpeechUtterance Augment(SpeechUtterance u) => options.Wave is null
            ? u
            : u with { Samples = options.Wave.Apply(u.Samples, u.SampleRate, rng) };

        var train = new List<SpeechUtterance>(real.Select(fsdd.Single));
        for (int copy = 0; copy < options.AugmentedCopies; copy++)
        {
            train.AddRange(real.Select(c => Augment(fsdd.Join(new[] { c }, options.Sequences, rng))));
        }

        train.AddRange(synthetic.Select(c => Augment(fsdd.Join(new[] { c }, options.Sequences, rng))));
        var realBySpeaker = real.GroupBy(c => c.Speaker).Select(g => g.ToArray()).ToArray();
        var synthBySpeaker = synthetic.GroupBy(c => c.Speaker).Select(g => g.ToArray()).ToArray();
        for (int i = 0; i < options.TrainSequences; i++)
        {
            bool useReal = synthBySpeaker.Length == 0 || rng.NextDouble() < options.RealSequenceShare;
            var speakers = useReal ? realBySpeaker : synthBySpeaker;
            train.Add(Augment(fsdd.JoinClips(speakers[rng.NextInt(speakers.Length)], options.Sequences, rng)));
        }

        return train;
    }

    /// <summary>
    /// Train, validation and test clips: with a held-out speaker, the others' recordings 5-49,
    /// the others' recordings 0-4, and all of that speaker's; with none, the standard split's
    /// train and test and no validation.
    /// </summary>
    public static (IReadOnlyList<FsddClip> Train, IReadOnlyList<FsddClip> Validation, IReadOnlyList<FsddClip> Test)
        Split(FsddDigits fsdd, string? heldOutSpeaker)
    {
        if (heldOutSpeaker is null)
        {
            var (train, test) = FsddDigits.StandardSplit(fsdd.Clips);
            return (train, Array.Empty<FsddClip>(), test);
        }

        var (others, heldOut) = FsddDigits.LeaveOneSpeakerOut(fsdd.Clips, heldOutSpeaker);
        var (trainClips, validationClips) = FsddDigits.StandardSplit(others);
        return (trainClips, validationClips, heldOut);
    }

    /// <summary>
    /// Single-digit accuracy on every clip in <paramref name="clips"/>, and digit error rate on
    /// <paramref name="sequences"/> utterances joined from them with a generator seeded by <paramref name="seed"/>.
    /// </summary>
    public static DigitsEvaluation Evaluate(
        AcousticModel model, FsddDigits fsdd, IReadOnlyList<FsddClip> clips, int sequences,
        DigitSequenceOptions sequenceOptions, ulong seed)
    {
        var vocab = model.Config.Vocabulary;
        var singles = Featurize(clips.Select(fsdd.Single).ToList(), model.Config.Features, vocab);
        var singleHyp = SpeechTrainer.Decode(model, singles);
        int right = singles.Where((e, i) => singleHyp[i].SequenceEqual(e.Tokens)).Count();

        var rng = new Rng(seed);
        var joined = Enumerable.Range(0, sequences).Select(_ => fsdd.JoinClips(clips, sequenceOptions, rng)).ToList();
        var joinedExamples = Featurize(joined, model.Config.Features, vocab);
        var joinedHyp = SpeechTrainer.Decode(model, joinedExamples);
        var refs = joinedExamples.Select(e => (IReadOnlyList<int>)e.Tokens).ToArray();
        int exact = joinedExamples.Where((e, i) => joinedHyp[i].SequenceEqual(e.Tokens)).Count();
        var (longSeconds, longDigits, longError, rtf) = EvaluateLong(model, fsdd, clips, sequenceOptions, rng);
        string speaker = string.Join("+", clips.Select(c => c.Speaker).Distinct());
        return new DigitsEvaluation(
            speaker, singles.Count, singles.Count == 0 ? 0 : (double)right / singles.Count,
            joined.Count, refs.Sum(r => r.Count), TokenErrorRate.Compute(joinedHyp, refs),
            joined.Count == 0 ? 0 : (double)exact / joined.Count, longSeconds, longDigits, longError, rtf);
    }

    /// <summary>
    /// The same figures as
    /// <see cref="Evaluate(AcousticModel, FsddDigits, IReadOnlyList{FsddClip}, int, DigitSequenceOptions, ulong)"/>
    /// (the same clips, joined utterances and long recording for the same seed) for any CTC model
    /// that hears samples, such as a <see cref="CtcEnsemble"/>: each utterance goes through
    /// <see cref="ICtcAcousticModel.Infer(float[])"/> on its own (the way <c>transcribe</c> runs a segment)
    /// and is decoded greedily.
    /// </summary>
    public static DigitsEvaluation Evaluate(
        ICtcAcousticModel model, FsddDigits fsdd, IReadOnlyList<FsddClip> clips, int sequences,
        DigitSequenceOptions sequenceOptions, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        var vocab = model.Vocabulary;
        if (model.SampleRate != FsddDigits.SampleRate)
        {
            throw new ArgumentException($"the model reads {model.SampleRate} Hz; FSDD is {FsddDigits.SampleRate} Hz");
        }

        var singles = clips.Select(fsdd.Single).ToList();
        var singleHyp = Decode(model, singles);
        int right = singles.Where((u, i) => singleHyp[i].SequenceEqual(vocab.Encode(u.Transcript))).Count();

        var rng = new Rng(seed);
        var joined = Enumerable.Range(0, sequences).Select(_ => fsdd.JoinClips(clips, sequenceOptions, rng)).ToList();
        var joinedHyp = Decode(model, joined);
        var refs = joined.Select(u => (IReadOnlyList<int>)vocab.Encode(u.Transcript)).ToArray();
        int exact = joined.Where((u, i) => joinedHyp[i].SequenceEqual(refs[i])).Count();

        var utterance = LongRecording(fsdd, clips, sequenceOptions, rng);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int[] hypothesis = Greedy(model.Infer(utterance.Samples), vocab);
        clock.Stop();
        int[] reference = vocab.Encode(utterance.Transcript);
        double longError = (double)TokenErrorRate.EditDistance(hypothesis, reference) / reference.Length;

        string speaker = string.Join("+", clips.Select(c => c.Speaker).Distinct());
        return new DigitsEvaluation(
            speaker, singles.Count, singles.Count == 0 ? 0 : (double)right / singles.Count,
            joined.Count, refs.Sum(r => r.Count), TokenErrorRate.Compute(joinedHyp, refs),
            joined.Count == 0 ? 0 : (double)exact / joined.Count, utterance.Seconds, reference.Length, longError,
            clock.Elapsed.TotalSeconds / utterance.Seconds);
    }

    // Greedy tokens of each utterance, one Infer call each (in parallel: a model of ours locks
    // around its forward pass, but features and decoding overlap).
    private static IReadOnlyList<int>[] Decode(ICtcAcousticModel model, IReadOnlyList<SpeechUtterance> utterances)
    {
        var result = new IReadOnlyList<int>[utterances.Count];
        Parallel.For(0, utterances.Count,
            i => result[i] = Greedy(model.Infer(utterances[i].Samples), model.Vocabulary));
        return result;
    }

    // Greedy tokens of one output; with members (CtcCombination.Rescore), the best of their candidates.
    private static int[] Greedy(AcousticOutput output, AcousticVocabulary vocab)
    {
        static LogProbMatrix Matrix(AcousticOutput o) => new(o.LogProbs, o.Frames, o.Vocab);
        var decoder = new GreedyCtcDecoder(vocab.BlankIndex);
        return output.Members is null
            ? decoder.Decode(Matrix(output))
            : CtcRescoring.Decode(decoder, Matrix(output), output.Members.Select(Matrix).ToArray(), vocab.BlankIndex);
    }

    // One recording of at least a minute, decoded whole and timed from samples to tokens.
    private static (double Seconds, int Digits, double ErrorRate, double Rtf) EvaluateLong(
        AcousticModel model, FsddDigits fsdd, IReadOnlyList<FsddClip> clips, DigitSequenceOptions options, Rng rng)
    {
        var utterance = LongRecording(fsdd, clips, options, rng);
        var features = model.Config.Features;
        var extractor = features.CreateExtractor();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var output = model.Infer(extractor.Compute(features.Pad(utterance.Samples)));
        int[] hypothesis = GreedyCtc.Collapse(output.LogProbs, output.Frames, output.Vocab,
            model.Config.Vocabulary.BlankIndex);
        clock.Stop();
        int[] reference = model.Config.Vocabulary.Encode(utterance.Transcript);
        double error = (double)TokenErrorRate.EditDistance(hypothesis, reference) / reference.Length;
        return (utterance.Seconds, reference.Length, error, clock.Elapsed.TotalSeconds / utterance.Seconds);
    }

    /// <summary>
    /// A connected-digit recording of at least a minute: clips drawn from <paramref name="clips"/>
    /// joined with the gaps, gains and noise of <paramref name="options"/>.
    /// </summary>
    public static SpeechUtterance LongRecording(
        FsddDigits fsdd, IReadOnlyList<FsddClip> clips, DigitSequenceOptions options, Rng rng)
    {
        const double MinimumSeconds = 60;
        double meanGap = (options.MinGapSeconds + options.MaxGapSeconds) / 2;
        var picks = new List<FsddClip>();
        for (double seconds = 0; seconds < MinimumSeconds + 2;)
        {
            var clip = clips[rng.NextInt(clips.Count)];
            picks.Add(clip);
            seconds += (double)fsdd.Samples(clip).Length / FsddDigits.SampleRate + meanGap;
        }

        return fsdd.Join(picks, options, rng);
    }

    /// <summary>
    /// Normalised features and tokens of utterances (in parallel, one extractor per thread); with
    /// <paramref name="keepBands"/>, each example also keeps the raw log-mel bands its features were
    /// made from (what <see cref="SpeechTrainerOptions.Vtlp"/> warps).
    /// </summary>
    public static IReadOnlyList<SpeechExample> Featurize(
        IReadOnlyList<SpeechUtterance> utterances, AcousticFeatures features, AcousticVocabulary vocab,
        bool keepBands = false)
    {
        var result = new SpeechExample[utterances.Count];
        using var extractor = new ThreadLocal<Features.LogMelSpectrogram>(features.CreateExtractor);
        Parallel.For(0, utterances.Count, i =>
        {
            var u = utterances[i];
            if (u.SampleRate != features.SampleRate)
            {
                throw new ArgumentException(
                    $"utterance {i} is at {u.SampleRate} Hz, the model reads {features.SampleRate} Hz");
            }

            var x = extractor.Value!;
            var bands = x.ComputeBands(features.Pad(u.Samples));
            result[i] = new SpeechExample(features.FromBands(x, bands), vocab.Encode(u.Transcript),
                keepBands ? bands : null);
        });
        return result;
    }

    /// <summary>
    /// Per-feature mean and std over every frame of <paramref name="utterances"/>, computed
    /// before any normalisation (padding included, as the model will hear it).
    /// </summary>
    public static NormalizationStats TrainingStats(IReadOnlyList<SpeechUtterance> utterances, AcousticFeatures features)
    {
        ArgumentNullException.ThrowIfNull(utterances);
        ArgumentNullException.ThrowIfNull(features);
        var raw = features with { Normalization = NormalizationMode.None, Stats = null };
        var total = new NormalizationStats.Accumulator(raw.FeatureCount);
        var gate = new object();
        using var extractor = new ThreadLocal<Features.LogMelSpectrogram>(raw.CreateExtractor);
        Parallel.For(0, utterances.Count, () => new NormalizationStats.Accumulator(raw.FeatureCount),
            (i, _, local) =>
            {
                local.Add(raw.Compute(extractor.Value!, utterances[i].Samples));
                return local;
            },
            local =>
            {
                lock (gate) total.Merge(local);
            });
        return total.Finish();
    }

    // Progress<T> posts to the thread pool; this reports on the training thread, in order.
    private sealed class InlineProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
