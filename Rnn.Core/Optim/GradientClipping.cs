using Rnn.Core.Nn;

namespace Rnn.Core.Optim;

/// <summary>
/// Gradient clipping by global norm (Pascanu et al. 2013), the usual guard against exploding
/// RNN gradients.
/// </summary>
public static class GradientClipping
{
    /// <summary>
    /// The L2 norm of all gradients taken together, sqrt(sum over parameters of |g|^2),
    /// accumulated in double. Parameters without a gradient count as zero.
    /// </summary>
    public static float GlobalNorm(IEnumerable<Parameter> parameters)
    {
        double sum = 0;
        foreach (var p in parameters)
        {
            if (p.Grad is { } g)
            {
                sum += g.Backend.Dot(g, g);
            }
        }

        return (float)Math.Sqrt(sum);
    }

    /// <summary>
    /// Scales every gradient by maxNorm / norm when the global norm exceeds maxNorm, so the
    /// direction is kept and the length capped. Returns the norm before clipping. A non-finite
    /// norm (a NaN or infinite gradient) is returned and the gradients are left as they are,
    /// so the caller can see and skip the step.
    /// </summary>
    /// <param name="parameters">Parameters whose gradients are clipped (frozen ones are skipped).</param>
    /// <param name="maxNorm">Largest allowed global norm; &gt; 0.</param>
    public static float ClipByGlobalNorm(IEnumerable<Parameter> parameters, float maxNorm)
    {
        if (!(maxNorm > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), $"maxNorm must be > 0; got {maxNorm}");
        }

        var list = parameters.Where(p => p.Trainable && p.Grad is not null).ToList();
        float norm = GlobalNorm(list);
        if (!float.IsFinite(norm) || norm <= maxNorm)
        {
            return norm;
        }

        // The 1e-6 keeps the scaled norm just under maxNorm (PyTorch's clip_grad_norm_ does the same).
        float scale = maxNorm / (norm + 1e-6f);
        foreach (var p in list)
        {
            var g = p.Grad!;
            g.Backend.Affine(g, scale, 0f, g);
        }

        return norm;
    }
}
