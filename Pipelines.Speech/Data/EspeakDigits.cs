using System.Globalization;
using Rnn.Core;

namespace Pipelines.Speech.Data;

/// <summary>
/// Synthetic training speakers: the ten digit words spoken by the espeak-ng synthesiser with
/// random voices (language variant x voice variant), speeds and pitches, written as an
/// FSDD-style folder (<c>{digit}_{speaker}_{index}.wav</c>) that <see cref="FsddDigits.Open"/>
/// reads like the real one (at 22.05 kHz; it is resampled to 8 kHz when read). Synthetic voices
/// widen the range of vocal tracts and accents the model sees, which four real speakers cannot.
/// Needs the <c>espeak-ng</c> program at training time only; nothing here runs at inference.
/// </summary>
public static class EspeakDigits
{
    /// <summary>English voices of espeak-ng (accents).</summary>
    public static readonly IReadOnlyList<string> Languages = new[]
    {
        "en-us", "en-gb", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp", "en-gb-x-gbcwmd", "en-029",
        "en-us-nyc",
    };

    /// <summary>
    /// Voice variants shipped with espeak-ng (formant sets, breathiness, pitch range). The
    /// robotic or whispering ones are left out: no test voice sounds like them.
    /// </summary>
    public static readonly IReadOnlyList<string> Variants = new[]
    {
        "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "f1", "f2", "f3", "f4", "f5", "klatt", "klatt2",
        "klatt3", "klatt4", "Alex", "Andy", "Annie", "Denis", "Gene", "Gene2", "Jacky", "Lee", "Mario",
        "Michael", "Mike", "Tweaky", "adam", "anika", "aunty", "belinda", "benjamin", "boris", "caleb",
        "david", "ed", "edward", "grandma", "grandpa", "iven", "iven2", "iven3", "john", "linda", "max",
        "michel", "norbert", "paul", "pedro", "quincy", "rob", "robert", "steph", "steph2", "steph3",
        "travis", "victor", "zac",
    };

    /// <summary>
    /// Pronunciations of each digit word (espeak-ng's English phoneme mnemonics), the first as
    /// espeak-ng says the word in US English and the rest as speakers of other first languages
    /// often do: full vowels for reduced ones ("zero" as z'Eru, ending in /u/ as in Portuguese or
    /// Italian), /t/, /s/ or /f/ for the "th" of "three", final devoicing ("five" as f'aIf),
    /// monophthongs for diphthongs ("eight" as 'et), a pronounced final r. Accented speakers
    /// (<see cref="Synthesize"/> with accented: true) read each digit with one of them.
    /// </summary>
    public static readonly IReadOnlyList<IReadOnlyList<string>> Pronunciations = new[]
    {
        new[] { "z'i@roU", "z'Eru", "z'Ero", "z'i:ro", "s'i@roU", "z'eIroU", "z'i:ru" },
        new[] { "w'Vn", "w'0n", "w'an", "w'On", "v'Vn" },
        new[] { "t'u:", "t'U", "t'u:u" },
        new[] { "Tr'i:", "tr'i:", "sr'i:", "fr'i:", "tr'I", "T3r'i:" },
        new[] { "f'o@", "f'o:r", "f'O:r", "f'o:", "f'Or" },
        new[] { "f'aIv", "f'aIf", "f'a:v", "f'aIb", "f'aIve" },
        new[] { "s'Iks", "s'i:ks", "s'Eks", "s'Ikis" },
        new[] { "s'Ev@n", "s'Even", "s'Ef@n", "s'eIven", "s'Evn" },
        new[] { "'eIt", "'et", "'eIS", "'Et", "'eIti" },
        new[] { "n'aIn", "n'a:n", "n'aIne", "n'ajn" },
    };

    /// <summary>
    /// Writes <paramref name="speakers"/> synthetic speakers, each saying every digit
    /// <paramref name="takes"/> times (each take at its own speed and pitch around the speaker's),
    /// into <paramref name="folder"/>. Existing files are kept, so a rerun only adds what is
    /// missing. The same seed gives the same voices. An <paramref name="accented"/> speaker reads
    /// each digit with a pronunciation of <see cref="Pronunciations"/> of its own (the first,
    /// espeak-ng's own, two times in five), the same in each take; accented speakers are named
    /// apart (<see cref="SpeakerName(int, bool)"/>), so both kinds can share a folder.
    /// </summary>
    /// <returns>The folder's clips, opened with <see cref="FsddDigits.Open"/>.</returns>
    /// <exception cref="InvalidOperationException">espeak-ng is missing or fails, with its message.</exception>
    public static FsddDigits Synthesize(string folder, int speakers, int takes, ulong seed, bool accented = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speakers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(takes);
        Directory.CreateDirectory(folder);
        var rng = new Rng(seed);
        for (int s = 0; s < speakers; s++)
        {
            string voice = $"{Languages[rng.NextInt(Languages.Count)]}+{Variants[rng.NextInt(Variants.Count)]}";
            int wpm = rng.NextInt(110, 200), pitch = rng.NextInt(15, 85);
            string name = SpeakerName(s, accented);
            // Drawn after the voice, so the plain speakers' voices are those of earlier runs.
            string[] words = FsddDigits.Words.Select((word, digit) => !accented
                ? word
                : rng.NextDouble() < 0.4
                    ? $"[[{Pronunciations[digit][0]}]]"
                    : $"[[{Pronunciations[digit][1 + rng.NextInt(Pronunciations[digit].Count - 1)]}]]").ToArray();
            for (int t = 0; t < takes; t++)
            {
                for (int digit = 0; digit < FsddDigits.Words.Count; digit++)
                {
                    int takeWpm = Math.Clamp(wpm + rng.NextInt(-25, 26), 80, 260);
                    int takePitch = Math.Clamp(pitch + rng.NextInt(-10, 11), 0, 99);
                    string path = Path.Combine(folder, $"{digit}_{name}_{t}.wav");
                    if (!File.Exists(path))
                    {
                        Speak(voice, takeWpm, takePitch, words[digit], path);
                    }
                }
            }
        }

        return FsddDigits.Open(folder);
    }

    /// <summary>Letters-only speaker name of synthetic speaker <paramref name="index"/> ("espeakaa", ...).</summary>
    public static string SpeakerName(int index) => SpeakerName(index, accented: false);

    /// <summary>
    /// Letters-only speaker name of synthetic speaker <paramref name="index"/>: "espeakaa", ...,
    /// or for accented ones "accentaa", ....
    /// </summary>
    public static string SpeakerName(int index, bool accented) =>
        (accented ? "accent" : "espeak") + (char)('a' + index / 26 % 26) + (char)('a' + index % 26);

    private static void Speak(string voice, int wpm, int pitch, string text, string path)
    {
        string temp = path + ".tmp";
        ExternalTool.Run("espeak-ng", new[]
        {
            "-v", voice, "-s", wpm.ToString(CultureInfo.InvariantCulture), "-p",
            pitch.ToString(CultureInfo.InvariantCulture), "-w", temp, text,
        }, "espeak-ng");
        if (!File.Exists(temp))
        {
            throw new InvalidOperationException($"espeak-ng -v {voice} '{text}' wrote no file");
        }

        File.Move(temp, path, overwrite: true);
    }
}
