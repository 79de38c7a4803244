namespace Pipelines.Speech.Model;

/// <summary>
/// How <see cref="CtcEnsemble"/> merges the per-frame distributions of its members into one.
/// All rules assume the members share one output frame grid (same frame length, frame 0 at the
/// start of the audio); each output row is a normalised distribution again.
/// </summary>
public enum CtcCombination
{
    /// <summary>
    /// The mean of the members' probabilities (a mixture). A token one member is sure of and
    /// another rules out keeps half its mass, so a spike that only some members place on this
    /// frame still competes with the blank.
    /// </summary>
    MeanProbability,

    /// <summary>
    /// The mean of the members' log-probabilities, renormalised (a product of experts). Sharper
    /// than the mixture when members agree, but one member's near-zero vetoes a token, so spikes
    /// the members place one frame apart can cancel.
    /// </summary>
    MeanLogProbability,

    /// <summary>
    /// Each token's largest probability over the members, renormalised. Keeps every member's
    /// spikes; also keeps their mistakes.
    /// </summary>
    Max,

    /// <summary>
    /// Sequence-level: every member's own best transcript, and that of the mixture
    /// (<see cref="MeanProbability"/>), is a candidate, and the one with the highest sum over the
    /// members of log P_ctc(candidate | member) wins (a product of the members' sequence
    /// probabilities, each summed over all alignments; see <see cref="Decoding.CtcRescoring"/>).
    /// It does not matter on which frame each member fires. The frames of the output are the
    /// mixture's (word times are read from them); the members' own outputs ride along in
    /// <see cref="AcousticOutput.Members"/>.
    /// </summary>
    Rescore,
}
