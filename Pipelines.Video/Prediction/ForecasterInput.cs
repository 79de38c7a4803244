namespace Pipelines.Video.Prediction;

/// <summary>What the forecaster stack of a <see cref="ConvLstmPredictor"/> reads at each step.</summary>
public enum ForecasterInput
{
    /// <summary>
    /// Nothing, as in Shi et al. (2015): the forecaster unrolls from the encoder's states alone
    /// (it reads one all-zero channel, which only adds the gate biases).
    /// </summary>
    None,

    /// <summary>
    /// The previous frame: the last context frame at the first step, then its own previous
    /// prediction (closed loop, in training too, so training and use see the same inputs).
    /// It learns far faster on a CPU budget, since appearance no longer has to be carried in
    /// the state alone.
    /// </summary>
    PreviousFrame,
}
