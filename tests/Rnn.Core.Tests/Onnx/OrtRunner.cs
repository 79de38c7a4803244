using Microsoft.ML.OnnxRuntime;

namespace Rnn.Core.Tests.Onnx;

/// <summary>Runs a one-node recurrent model in ONNX Runtime on one thread and returns its outputs by name.</summary>
internal static class OrtRunner
{
    /// <param name="model">ModelProto bytes.</param>
    /// <param name="x">[time, batch, in].</param>
    /// <param name="shape">time, batch, in, hidden.</param>
    /// <param name="h0">[dirs, batch, H] or null when the model has no initial-state inputs.</param>
    /// <param name="c0">[dirs, batch, H] (LSTM) or null.</param>
    public static Dictionary<string, float[]> Run(
        byte[] model, float[] x, (int Time, int Batch, int Input, int Hidden) shape, float[]? h0, float[]? c0)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        int dirs = session.OutputMetadata["Y_h"].Dimensions[0];
        var names = new List<string> { "X" };
        var values = new List<OrtValue>
        {
            OrtValue.CreateTensorValueFromMemory(x, new long[] { shape.Time, shape.Batch, shape.Input }),
        };
        var state = new long[] { dirs, shape.Batch, shape.Hidden };
        if (h0 is not null)
        {
            names.Add("initial_h");
            values.Add(OrtValue.CreateTensorValueFromMemory(h0, state));
        }

        if (c0 is not null)
        {
            names.Add("initial_c");
            values.Add(OrtValue.CreateTensorValueFromMemory(c0, state));
        }

        var outputs = session.OutputNames.ToArray();
        try
        {
            using var run = new RunOptions();
            using var results = session.Run(run, names, values, outputs);
            var result = new Dictionary<string, float[]>();
            for (int i = 0; i < outputs.Length; i++)
            {
                result[outputs[i]] = results[i].GetTensorDataAsSpan<float>().ToArray();
            }

            return result;
        }
        finally
        {
            foreach (var v in values)
            {
                v.Dispose();
            }
        }
    }
}
