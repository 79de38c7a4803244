namespace Rnn.Core.Autograd;

/// <summary>
/// Finite-difference gradient checking: compares the tape's analytic gradients with central
/// differences (f(x + h) - f(x - h)) / 2h, element by element.
/// </summary>
public static class GradCheck
{
    /// <summary>Result of one check: the worst element and its error.</summary>
    public readonly record struct Result(float MaxAbsError, float MaxRelError, string Where)
    {
        public override string ToString() => $"max abs {MaxAbsError:G3}, max rel {MaxRelError:G3} at {Where}";
    }

    /// <summary>
    /// Checks d(sum(w * f(inputs)))/d(input) for every input, where w is a fixed random weighting
    /// (so errors cannot cancel in a plain sum). f must be deterministic.
    /// </summary>
    /// <param name="f">The function under test; called many times.</param>
    /// <param name="inputs">CPU tensors; each gets RequiresGrad = true.</param>
    /// <param name="step">Finite-difference step h; float32 needs about 1e-2 to 1e-3.</param>
    /// <param name="seed">Seed of the random output weighting.</param>
    public static Result Check(Func<Tensor[], Tensor> f, Tensor[] inputs, float step = 1e-2f, ulong seed = 7)
    {
        foreach (var x in inputs)
        {
            x.RequiresGrad = true;
            x.Grad = null;
        }

        Tensor weights;
        using (var tape = Tape.Begin())
        {
            var y = f(inputs);
            weights = new Rng(seed).Uniform(y.Backend, -1f, 1f, y.ShapeArray);
            var loss = Ops.Sum(Ops.Mul(y, weights));
            tape.Backward(loss);
        }

        float maxAbs = 0;
        float maxRel = 0;
        string where = "-";
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i];
            var analytic = x.Grad?.ToArray() ?? new float[x.Length];
            var data = x.Span;
            for (int j = 0; j < x.Length; j++)
            {
                float saved = data[j];
                data[j] = saved + step;
                double plus = Evaluate(f, inputs, weights);
                data[j] = saved - step;
                double minus = Evaluate(f, inputs, weights);
                data[j] = saved;
                float numeric = (float)((plus - minus) / (2 * step));
                float abs = MathF.Abs(numeric - analytic[j]);
                float rel = abs / Math.Max(1e-2f, Math.Max(MathF.Abs(numeric), MathF.Abs(analytic[j])));
                if (rel > maxRel || (rel == maxRel && abs > maxAbs))
                {
                    where = $"input {i} element {j}: analytic {analytic[j]:G5}, numeric {numeric:G5}";
                }

                maxAbs = Math.Max(maxAbs, abs);
                maxRel = Math.Max(maxRel, rel);
            }
        }

        return new Result(maxAbs, maxRel, where);
    }

    private static double Evaluate(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor weights)
    {
        using (Tape.NoGrad())
        {
            var y = f(inputs);
            var ys = y.ToArray();
            var ws = weights.ToArray();
            double sum = 0;
            for (int i = 0; i < ys.Length; i++)
            {
                sum += (double)ys[i] * ws[i];
            }

            return sum;
        }
    }
}
