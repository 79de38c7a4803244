namespace Pipelines.Speech.Model;

/// <summary>How the acoustic model subsamples its input frames in time before the recurrent layers.</summary>
public enum FrontEndKind
{
    /// <summary>No front end: the recurrent layers read every feature frame.</summary>
    None,

    /// <summary>
    /// Two 3x3 convolutions with ReLU over [batch, 1, time, mels], each stride 2 in time and in
    /// frequency: 4x fewer frames, and the channels times the remaining bands as features.
    /// </summary>
    Conv,

    /// <summary>
    /// Stacks k consecutive frames into one (k x mels features) and projects them with a Dense
    /// layer and ReLU: k x fewer frames at the cost of one matrix product.
    /// </summary>
    Stack,
}
