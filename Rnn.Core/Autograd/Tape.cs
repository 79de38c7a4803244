namespace Rnn.Core.Autograd;

/// <summary>
/// Records differentiable ops in the order they run, so <see cref="Backward"/> can replay their
/// backward functions in reverse. A tape is active on the thread that began it until disposed.
/// </summary>
/// <example>
/// <code>
/// using var tape = Tape.Begin();
/// var loss = Ops.Mean(Ops.Square(model.Forward(x) - target));
/// tape.Backward(loss);          // fills Grad of every parameter that took part
/// </code>
/// </example>
public sealed class Tape : IDisposable
{
    [ThreadStatic]
    private static Tape? current;

    [ThreadStatic]
    private static int noGradDepth;

    private readonly List<Action> backwards = new();
    private readonly Tape? previous;
    private bool disposed;

    private Tape(Tape? previous) => this.previous = previous;

    /// <summary>The tape ops record on, or null when none is active or grad is paused.</summary>
    public static Tape? Current => noGradDepth > 0 ? null : current;

    /// <summary>Number of recorded ops.</summary>
    public int Count => backwards.Count;

    /// <summary>Starts recording on this thread; dispose to stop.</summary>
    public static Tape Begin()
    {
        var tape = new Tape(current);
        current = tape;
        return tape;
    }

    /// <summary>Pauses recording until the returned scope is disposed (inference, updates).</summary>
    public static NoGradScope NoGrad()
    {
        noGradDepth++;
        return default;
    }

    /// <summary>
    /// True when an op on these inputs must be recorded: a tape is active and at least one
    /// input requires grad.
    /// </summary>
    public static bool IsTracking(Tensor a) => Current is not null && a.RequiresGrad;

    /// <inheritdoc cref="IsTracking(Tensor)"/>
    public static bool IsTracking(Tensor a, Tensor b) =>
        Current is not null && (a.RequiresGrad || b.RequiresGrad);

    /// <inheritdoc cref="IsTracking(Tensor)"/>
    public static bool IsTracking(ReadOnlySpan<Tensor> inputs)
    {
        if (Current is null)
        {
            return false;
        }

        foreach (var t in inputs)
        {
            if (t.RequiresGrad)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Records a backward function for <paramref name="output"/> and marks it as requiring grad.
    /// The function reads output.Grad and adds into the inputs' gradients.
    /// </summary>
    public static void Record(Tensor output, Action backward)
    {
        var tape = Current ?? throw new InvalidOperationException("no tape is recording");
        output.RequiresGrad = true;
        tape.backwards.Add(backward);
    }

    /// <summary>
    /// Runs the recorded backward functions in reverse, starting from d(loss)/d(loss) = 1 (or
    /// from <paramref name="seed"/>, a gradient of loss's shape). Gradients accumulate into
    /// <see cref="Tensor.Grad"/>; clear them between steps with the optimizer's ZeroGrad.
    /// </summary>
    public void Backward(Tensor loss, Tensor? seed = null)
    {
        using (NoGrad())
        {
            var grad = loss.EnsureGrad();
            if (seed is null)
            {
                loss.Backend.Fill(grad, 1f);
            }
            else
            {
                loss.Backend.Copy(seed, grad);
            }

            for (int i = backwards.Count - 1; i >= 0; i--)
            {
                backwards[i]();
            }
        }

        backwards.Clear();
    }

    /// <summary>Forgets every recorded op without running it.</summary>
    public void Clear() => backwards.Clear();

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (current == this)
        {
            current = previous;
        }
    }

    /// <summary>Scope returned by <see cref="NoGrad"/>.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        public void Dispose() => noGradDepth--;
    }
}
