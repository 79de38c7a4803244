using System.Text.RegularExpressions;

namespace Pipelines.Speech.Data;

/// <summary>
/// One installed English voice of the flite or festival synthesiser: a recorded human speaker
/// (kal, awb, rms, slt, ked, ...) that <see cref="NaturalTtsDigits"/> turns into many synthetic
/// speakers. Found at run time with <see cref="Installed"/>; nothing is bundled.
/// </summary>
/// <param name="Engine"><c>flite</c> or <c>festival</c>.</param>
/// <param name="Name">The engine's voice name (<c>slt</c>, <c>kal_diphone</c>, ...).</param>
public sealed partial record TtsVoice(string Engine, string Name)
{
    /// <summary>The flite engine (Debian package <c>flite</c>).</summary>
    public const string Flite = "flite";

    /// <summary>The festival engine (Debian packages <c>festival</c> and <c>festvox-*</c>).</summary>
    public const string Festival = "festival";

    /// <summary><c>engine:name</c>, e.g. <c>flite:slt</c>; the form written to speaker lists.</summary>
    public string Id => $"{Engine}:{Name}";

    /// <summary>
    /// The English voices of whichever of flite and festival are installed, flite's first, each
    /// engine's sorted by name; empty when neither is. Flite's limited-domain voices
    /// (<c>awb_time</c>, which only speaks clock times) are left out.
    /// </summary>
    /// <example>
    /// <code>
    /// foreach (var v in TtsVoice.Installed()) Console.WriteLine(v.Id); // flite:awb, flite:kal, ...
    /// </code>
    /// </example>
    public static IReadOnlyList<TtsVoice> Installed() => FliteVoices().Concat(FestivalVoices()).ToArray();

    /// <summary>
    /// Speaks <paramref name="text"/> in this voice into the WAV file <paramref name="path"/>
    /// (the voice's own sample rate, 8-32 kHz).
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The engine is missing or fails, with its message.
    /// </exception>
    public void Speak(string text, string path)
    {
        if (Engine == Flite)
        {
            ExternalTool.Run("flite", new[] { "-voice", Name, "-t", text, "-o", path }, "flite");
        }
        else if (Engine == Festival)
        {
            // text2wave reads the text from stdin; the voice is chosen by evaluating (voice_NAME).
            ExternalTool.Run("text2wave", new[] { "-eval", $"(voice_{CheckedName()})", "-o", path },
                "festival", input: text);
        }
        else
        {
            throw new InvalidOperationException($"unknown synthesiser '{Engine}' of voice '{Name}'; " +
                $"expected {Flite} or {Festival}");
        }

        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{Id} wrote no file for '{text}' (expected '{path}')");
        }
    }

    /// <summary>Parses <c>engine:name</c> as written by <see cref="Id"/>.</summary>
    /// <exception cref="FormatException">Not of that form.</exception>
    public static TtsVoice Parse(string id)
    {
        int colon = id.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == id.Length - 1)
        {
            throw new FormatException($"expected a voice as engine:name (flite:slt); got '{id}'");
        }

        return new TtsVoice(id[..colon], id[(colon + 1)..]);
    }

    // `flite -lv` prints "Voices available: kal awb_time kal16 awb rms slt".
    private static IEnumerable<TtsVoice> FliteVoices()
    {
        string? listing = ExternalTool.TryRun("flite", new[] { "-lv" });
        if (listing is null)
        {
            return Array.Empty<TtsVoice>();
        }

        string names = listing[(listing.IndexOf(':', StringComparison.Ordinal) + 1)..];
        return names.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Where(n => !n.EndsWith("_time", StringComparison.Ordinal) && VoiceName().IsMatch(n))
            .Order(StringComparer.Ordinal)
            .Select(n => new TtsVoice(Flite, n));
    }

    // Asks festival for every proclaimed voice and its language (no voice is loaded for this, so it
    // takes a fraction of a second); prints one "(name language)" line each.
    private static IEnumerable<TtsVoice> FestivalVoices()
    {
        const string Query = "(mapcar (lambda (v) (print (list v (cadr (assoc 'language " +
            "(cadr (voice.description v))))))) (voice.list))";
        string? listing;
        try
        {
            listing = ExternalTool.TryRun("festival", new[] { "-b", Query });
        }
        catch (InvalidOperationException)
        {
            // A festival without any voice installed fails the query; that is "no voices".
            return Array.Empty<TtsVoice>();
        }

        if (listing is null || ExternalTool.TryRun("text2wave", new[] { "-h" }) is null)
        {
            return Array.Empty<TtsVoice>();
        }

        return FestivalLine().Matches(listing)
            .Where(m => m.Groups[2].Value == "english")
            .Select(m => m.Groups[1].Value)
            .Order(StringComparer.Ordinal)
            .Select(n => new TtsVoice(Festival, n));
    }

    private string CheckedName() => VoiceName().IsMatch(Name)
        ? Name
        : throw new InvalidOperationException($"festival voice name '{Name}' is not a plain identifier");

    [GeneratedRegex("^[A-Za-z0-9_]+$")]
    private static partial Regex VoiceName();

    [GeneratedRegex(@"^\(([A-Za-z0-9_]+) ([A-Za-z_]+)\)\s*$", RegexOptions.Multiline)]
    private static partial Regex FestivalLine();
}
