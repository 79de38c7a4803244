namespace Multimodal.Cli.Commands;

/// <summary>The parsed options of one <c>multimodal train speech</c> run.</summary>
/// <param name="Manifest">Training manifest (path&lt;TAB&gt;transcript).</param>
/// <param name="OutDir">Model directory to write; checkpoints go to its checkpoints/ folder.</param>
/// <param name="Valid">Validation manifest, or null to hold out <paramref name="ValidFraction"/>.</param>
/// <param name="ValidFraction">Share of the training rows held out when no validation manifest is given.</param>
/// <param name="Epochs">Passes over the training set.</param>
/// <param name="Batch">Utterances per batch.</param>
/// <param name="Hidden">Hidden units per direction.</param>
/// <param name="Layers">Recurrent layers.</param>
/// <param name="Cell">"gru" or "lstm".</param>
/// <param name="LearningRate">Peak AdamW learning rate.</param>
/// <param name="CharVocabulary">Character tokens (with a separator) instead of word tokens.</param>
/// <param name="SampleRate">Rate audio is resampled to, in Hz.</param>
/// <param name="Seed">Seeds the split, the weights, the batch order and the masks.</param>
/// <param name="Resume">Continue from the newest checkpoint.</param>
/// <param name="SpeedPercent">When above 0, each training utterance is also added played at
/// 1 - P/100 and 1 + P/100 times its speed (tempo and pitch together).</param>
/// <param name="Wave">Pass the added copies through <c>WaveAugment</c> (EQ, band limits, reverberation,
/// noise); without <paramref name="SpeedPercent"/> one such copy at the original speed is added.</param>
/// <param name="DropoutPercent">Dropout between the recurrent layers, in percent.</param>
/// <param name="Mfcc">When above 0, the model reads this many MFCCs of the log-mel bands instead of the bands.</param>
/// <param name="Init">A model directory to start from (its layers of the same shape), or null.</param>
public sealed record TrainSpeechSettings(
    string Manifest, string OutDir, string? Valid, double ValidFraction, int Epochs, int Batch, int Hidden,
    int Layers, string Cell, float LearningRate, bool CharVocabulary, int SampleRate, ulong Seed, bool Resume,
    int SpeedPercent = 0, bool Wave = false, int DropoutPercent = 10, int Mfcc = 0, string? Init = null)
{
    /// <summary>Folder of the training checkpoints.</summary>
    public string CheckpointDirectory => Path.Combine(OutDir, "checkpoints");
}
