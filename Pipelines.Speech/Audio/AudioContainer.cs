namespace Pipelines.Speech.Audio;

/// <summary>The file kinds <see cref="AudioReader"/> decodes.</summary>
public enum AudioContainer
{
    /// <summary>RIFF/WAVE or RF64.</summary>
    Wav,

    /// <summary>MPEG-1/2 audio (MP3), optionally behind ID3v2 tags.</summary>
    Mp3,
}
