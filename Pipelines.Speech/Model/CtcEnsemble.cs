namespace Pipelines.Speech.Model;

/// <summary>
/// Several CTC acoustic models (or several views of one: <see cref="NativeCtcModel.WithPadding"/>
/// for test-time padding) heard as one: each member hears the same audio, and their per-frame
/// distributions are merged by a <see cref="CtcCombination"/> rule into one output that any
/// decoder reads. Members must share rate and vocabulary; their outputs are put in register by
/// their <see cref="AcousticOutput.LeadInFrames"/> (the frames of padding before the audio), so
/// the frames merged cover the same 40 ms of audio. Members whose frames are of another length
/// (<see cref="NativeCtcModel.WithSpeed"/>) take part only in <see cref="CtcCombination.Rescore"/>,
/// whose frames (for word times) are the mixture of the members in register with member 0.
/// </summary>
/// <remarks>
/// Members may return different frame counts (padding adds frames before and after the audio); a
/// frame only some members have is merged over those members. Members run one after another;
/// each is as thread-safe as it is on its own.
/// </remarks>
/// <example>
/// <code>
/// var model = new NativeCtcModel(AcousticModelDirectory.Load("models/speech-digits"));
/// var tta = new CtcEnsemble([model.WithPadding(0), model.WithPadding(0.16)], CtcCombination.MeanProbability);
/// AcousticOutput merged = tta.Infer(samples);   // log-probs [time', vocab]
/// </code>
/// </example>
public sealed class CtcEnsemble : ICtcAcousticModel, IDisposable
{
    private readonly ICtcAcousticModel[] members;
    private readonly IDisposable[] owned;

    /// <summary>Merges <paramref name="members"/> (at least one) by <paramref name="combination"/>.</summary>
    /// <param name="members">The models heard; disposed with the ensemble when disposable.</param>
    /// <param name="combination">How their frames (or transcripts) are merged.</param>
    /// <param name="owned">Further objects disposed with the ensemble (the models that padded views
    /// among <paramref name="members"/> were made from).</param>
    /// <exception cref="ArgumentException">No members, or members that differ in rate or vocabulary.</exception>
    public CtcEnsemble(IReadOnlyList<ICtcAcousticModel> members, CtcCombination combination,
        IEnumerable<IDisposable>? owned = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0)
        {
            throw new ArgumentException("an ensemble needs at least one member; got none", nameof(members));
        }

        if (!Enum.IsDefined(combination))
        {
            throw new ArgumentException($"unknown combination {combination}", nameof(combination));
        }

        var first = members[0];
        for (int i = 1; i < members.Count; i++)
        {
            var m = members[i];
            if (m.SampleRate != first.SampleRate)
            {
                throw new ArgumentException(
                    $"ensemble member {i} reads {m.SampleRate} Hz but member 0 reads {first.SampleRate} Hz");
            }

            if (!m.Vocabulary.Tokens.SequenceEqual(first.Vocabulary.Tokens) ||
                m.Vocabulary.BlankIndex != first.Vocabulary.BlankIndex)
            {
                throw new ArgumentException(
                    $"ensemble member {i} has tokens [{string.Join(", ", m.Vocabulary.Tokens)}] (blank " +
                    $"{m.Vocabulary.BlankIndex}); member 0 has [{string.Join(", ", first.Vocabulary.Tokens)}] " +
                    $"(blank {first.Vocabulary.BlankIndex})");
            }
        }

        this.members = members.ToArray();
        this.owned = owned?.ToArray() ?? [];
        Combination = combination;
    }

    /// <summary>The members, in the order given.</summary>
    public IReadOnlyList<ICtcAcousticModel> Members => members;

    /// <summary>How the members' frames are merged.</summary>
    public CtcCombination Combination { get; }

    /// <summary>
    /// When true, members that pad the audio (<see cref="NativeCtcModel.PadSeconds"/> over 0) are
    /// heard only for audio that starts the recording (<see cref="Infer(float[], bool)"/>): padding
    /// stands in for the quiet lead-in a clip cut at the word's onset lacks, but inside a recording
    /// the audio before a segment is its lead-in, and quiet added there costs words.
    /// </summary>
    public bool PadOnlyAtStart { get; init; }

    /// <inheritdoc />
    public int SampleRate => members[0].SampleRate;

    /// <inheritdoc />
    public AcousticVocabulary Vocabulary => members[0].Vocabulary;

    /// <inheritdoc />
    public AcousticOutput Infer(float[] samples) => Infer(samples, startsRecording: true);

    /// <inheritdoc />
    public AcousticOutput Infer(float[] samples, bool startsRecording)
    {
        var heard = members;
        if (PadOnlyAtStart && !startsRecording)
        {
            var unpadded = members.Where(m => m is not NativeCtcModel { PadSeconds: > 0 }).ToArray();
            heard = unpadded.Length > 0 ? unpadded : members;
        }

        var outputs = new AcousticOutput[heard.Length];
        for (int i = 0; i < heard.Length; i++)
        {
            outputs[i] = heard[i].Infer(samples);
        }

        if (outputs.Length == 1) return outputs[0];

        // Frames of another length (a view at another speed) cover other stretches of audio: they
        // can be rescored but not merged frame by frame.
        var inRegister = outputs.Where(o => Math.Abs(o.FrameSeconds - outputs[0].FrameSeconds) < 1e-9).ToArray();
        if (Combination == CtcCombination.Rescore)
        {
            return Combine(inRegister, CtcCombination.MeanProbability) with { Members = outputs };
        }

        if (inRegister.Length != outputs.Length)
        {
            var other = outputs.First(o => !inRegister.Contains(o));
            throw new InvalidOperationException(
                $"an ensemble member has {other.FrameSeconds * 1000:F1} ms frames but member 0 has " +
                $"{outputs[0].FrameSeconds * 1000:F1} ms; {Combination} merges frames, only Rescore can combine them");
        }

        return Combine(outputs, Combination);
    }

    /// <summary>
    /// Merges member outputs frame by frame, in register by their lead-in (the result has the
    /// longest lead-in); a frame only some outputs have is merged over those. Rows of the result
    /// are log-probabilities. With <see cref="CtcCombination.Rescore"/> the frames are the mixture's
    /// and the outputs are kept in <see cref="AcousticOutput.Members"/>.
    /// </summary>
    public static AcousticOutput Combine(IReadOnlyList<AcousticOutput> outputs, CtcCombination combination)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.Count == 0) throw new ArgumentException("nothing to combine", nameof(outputs));
        if (combination == CtcCombination.Rescore)
        {
            // The frames are the mixture's; the decoder picks the transcript with the members.
            return Combine(outputs, CtcCombination.MeanProbability) with { Members = outputs.ToArray() };
        }

        int vocab = outputs[0].Vocab;
        int leadIn = outputs.Max(o => o.LeadInFrames);
        int frames = outputs.Max(o => o.Frames - o.LeadInFrames) + leadIn;
        var result = new float[frames * vocab];                 // [time', vocab]
        var row = new double[vocab];
        for (int t = 0; t < frames; t++)
        {
            Array.Fill(row, combination == CtcCombination.MeanProbability ? 0 : double.NegativeInfinity);
            int present = 0;
            foreach (var o in outputs)
            {
                int own = t - leadIn + o.LeadInFrames;          // the same time in this member's frames
                if (own < 0 || own >= o.Frames) continue;
                present++;
                var lp = o.Frame(own);
                for (int k = 0; k < vocab; k++)
                {
                    row[k] = combination switch
                    {
                        CtcCombination.MeanProbability => row[k] + Math.Exp(lp[k]),
                        CtcCombination.MeanLogProbability => present == 1 ? lp[k] : row[k] + lp[k],
                        _ => Math.Max(row[k], lp[k]),
                    };
                }
            }

            if (combination == CtcCombination.MeanProbability)
            {
                for (int k = 0; k < vocab; k++) row[k] = Math.Log(row[k]);
            }
            else if (combination == CtcCombination.MeanLogProbability)
            {
                for (int k = 0; k < vocab; k++) row[k] /= present;
            }

            Normalize(row, result.AsSpan(t * vocab, vocab));
        }

        return new AcousticOutput(result, frames, vocab, outputs[0].FrameSeconds) { LeadInFrames = leadIn };
    }

    /// <summary>Disposes the members that are disposable and the objects it owns.</summary>
    public void Dispose()
    {
        foreach (var m in members)
        {
            (m as IDisposable)?.Dispose();
        }

        foreach (var o in owned) o.Dispose();
    }

    // log-softmax of a row of log-scores (a mixture's row already sums to one up to rounding).
    private static void Normalize(double[] scores, Span<float> destination)
    {
        double max = scores.Max();
        double sum = 0;
        foreach (double s in scores) sum += Math.Exp(s - max);
        double log = max + Math.Log(sum);
        for (int k = 0; k < scores.Length; k++) destination[k] = (float)(scores[k] - log);
    }
}
