using Rnn.Core.Autograd;
using Rnn.Core.Nn;

namespace Rnn.Core.Tests.Recurrent;

/// <summary>Shared helpers for the recurrent tests.</summary>
internal static class RecurrentTestUtil
{
    public static Tensor R(ulong seed, params int[] shape) => new Rng(seed).Uniform(Backends.Default, -1f, 1f, shape);

    /// <summary>Grad check w.r.t. the given tensors plus every parameter of the module.</summary>
    public static GradCheck.Result CheckWithParameters(Module m, Func<Tensor> f, params Tensor[] extra)
    {
        var inputs = extra.Concat(m.Parameters().Select(p => p.Value)).ToArray();
        return GradCheck.Check(_ => f(), inputs);
    }

    /// <summary>
    /// Float32 central differences with h = 1e-2 on tanh/sigmoid nets reach a few 1e-3 relative
    /// error; a wrong gradient is off by O(1).
    /// </summary>
    public const float GradTolerance = 2e-2f;
}
