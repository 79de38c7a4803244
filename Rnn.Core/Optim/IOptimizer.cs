using Rnn.Core.Nn;

namespace Rnn.Core.Optim;

/// <summary>
/// Updates a fixed set of parameters from their gradients. One training step is
/// <c>ZeroGrad()</c>, forward, <c>tape.Backward(loss)</c>, <c>Step()</c>.
/// </summary>
public interface IOptimizer
{
    /// <summary>Step size of the next <see cref="Step"/>; schedules set it before each step.</summary>
    float LearningRate { get; set; }

    /// <summary>Number of <see cref="Step"/> calls so far (restored by <see cref="ImportState"/>).</summary>
    long StepCount { get; }

    /// <summary>The parameters this optimizer updates, with the names its state is keyed by.</summary>
    IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; }

    /// <summary>
    /// Applies one update to every parameter that is <see cref="Parameter.Trainable"/> and has a
    /// gradient; frozen parameters and parameters with a null gradient are left alone.
    /// </summary>
    void Step();

    /// <summary>
    /// Clears the gradients before the next backward pass: fills them with zeros (keeping the
    /// memory), or drops them to null when <paramref name="release"/> is true so that
    /// parameters the next pass does not reach are skipped by <see cref="Step"/>.
    /// </summary>
    void ZeroGrad(bool release = false);

    /// <summary>A copy of the optimizer's state (step count, learning rate, moment buffers).</summary>
    OptimizerState ExportState();

    /// <summary>Restores state from <see cref="ExportState"/>; checks the kind, names and sizes.</summary>
    void ImportState(OptimizerState state);
}
