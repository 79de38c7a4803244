using Microsoft.ML.OnnxRuntime;
using Rnn.Core.Onnx;

namespace Rnn.Bench.Peers;

/// <summary>
/// ONNX Runtime running the one-node ONNX LSTM (or GRU) that our own exporter writes from the
/// same cell, with input and output buffers bound once so a run allocates nothing on our side.
/// </summary>
internal sealed class OrtRecurrent : IDisposable
{
    public const string Name = "onnxruntime";

    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly OrtValue[] inputs;
    private readonly OrtValue[] outputs;
    private readonly string[] outputNames;

    /// <param name="weights">The ONNX weights of our cell.</param>
    /// <param name="time">Steps per run.</param>
    /// <param name="batch">Samples per run.</param>
    /// <param name="threads">Intra-op threads (inter-op is 1: the graph is one node).</param>
    public OrtRecurrent(OnnxRecurrentWeights weights, int time, int batch, int threads)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        session = new InferenceSession(OnnxRecurrentModel.Export(weights), options);

        int h = weights.HiddenSize;
        var x = new float[time * batch * weights.InputSize];   // [time, batch, in]
        var rng = new Random(7);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        inputs = new[] { OrtValue.CreateTensorValueFromMemory(x, new long[] { time, batch, weights.InputSize }) };
        bool lstm = weights.Op == OnnxRecurrentOp.Lstm;
        outputNames = lstm ? new[] { "Y", "Y_h", "Y_c" } : new[] { "Y", "Y_h" };
        var y = OrtValue.CreateTensorValueFromMemory(new float[time * batch * h], new long[] { time, 1, batch, h });
        var state = new List<OrtValue> { y };
        for (int i = 1; i < outputNames.Length; i++)
        {
            state.Add(OrtValue.CreateTensorValueFromMemory(new float[batch * h], new long[] { 1, batch, h }));
        }

        outputs = state.ToArray();
    }

    /// <summary>The ONNX Runtime version, for the header.</summary>
    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <summary>One forward pass over the whole sequence.</summary>
    public void Run() => session.Run(runOptions, new[] { "X" }, inputs, outputNames, outputs);

    public void Dispose()
    {
        foreach (var v in inputs.Concat(outputs))
        {
            v.Dispose();
        }

        runOptions.Dispose();
        session.Dispose();
    }
}
