using System.Globalization;

namespace Pipelines.Speech.Data;

/// <summary>
/// A synthetic speaker of <see cref="NaturalTtsDigits"/>: a base voice shifted to its own pitch
/// and speaking rate, with a small variation of both on every take.
/// </summary>
/// <param name="Name">Letters-only FSDD speaker name ("ttsaa", "ttsab", ...).</param>
/// <param name="Voice">The synthesiser voice underneath.</param>
/// <param name="PitchCents">Speaker-wide pitch shift in cents (100 = one semitone).</param>
/// <param name="Tempo">Speaker-wide tempo factor (1.1 = 10% faster, pitch unchanged).</param>
/// <param name="Takes">Every take, index <c>take * 10 + digit</c>.</param>
public sealed record TtsSpeaker(
    string Name, TtsVoice Voice, int PitchCents, double Tempo, IReadOnlyList<TtsTake> Takes)
{
    /// <summary>The take of <paramref name="digit"/> with index <paramref name="take"/>.</summary>
    public TtsTake Take(int take, int digit) => Takes[take * FsddDigits.Words.Count + digit];

    /// <summary>
    /// One tab-separated line: name, voice id, pitch, tempo. Two runs that write the same line
    /// for a speaker made the same speaker.
    /// </summary>
    public string Describe() => string.Join('\t', Name, Voice.Id,
        PitchCents.ToString(CultureInfo.InvariantCulture),
        Tempo.ToString("F3", CultureInfo.InvariantCulture));
}

/// <summary>The pitch shift and tempo of one clip (the speaker's plus this take's variation).</summary>
/// <param name="Take">Take index, the last field of the file name.</param>
/// <param name="Digit">The digit spoken.</param>
/// <param name="PitchCents">Total pitch shift in cents.</param>
/// <param name="Tempo">Total tempo factor.</param>
public readonly record struct TtsTake(int Take, int Digit, int PitchCents, double Tempo);
