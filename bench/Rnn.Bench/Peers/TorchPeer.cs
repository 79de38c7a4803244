using TorchSharp;

namespace Rnn.Bench.Peers;

/// <summary>
/// TorchSharp (libtorch 2.10 CPU) as a peer: loads it once, sets its thread count, and says why
/// when it cannot load, so the bench still runs our side.
/// </summary>
internal static class TorchPeer
{
    public const string Name = "torchsharp";

    private static string? failure;
    private static bool tried;

    /// <summary>Null when TorchSharp works; else one line saying why it does not.</summary>
    public static string? Failure(int threads)
    {
        if (tried)
        {
            return failure;
        }

        tried = true;
        try
        {
            torch.set_num_threads(threads);
            torch.set_num_interop_threads(1);
            using var probe = torch.ones(2, 2);
            if (probe.sum().item<float>() != 4f)
            {
                failure = "libtorch loaded but a 2x2 sum of ones was not 4";
            }
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException
            or NotSupportedException or InvalidOperationException or EntryPointNotFoundException)
        {
            var inner = e;
            while (inner.InnerException is not null)
            {
                inner = inner.InnerException;
            }

            failure = $"{e.GetType().Name}: {inner.Message.ReplaceLineEndings(" ")}";
        }

        return failure;
    }

    /// <summary>What libtorch reports about its threads, for the header.</summary>
    public static string Describe() =>
        $"TorchSharp {typeof(torch).Assembly.GetName().Version} (libtorch {torch.__version__}), " +
        $"intra-op threads {torch.get_num_threads()}, inter-op {torch.get_num_interop_threads()}";
}
