using Rnn.Core.Autograd;

namespace Rnn.Core;

public static partial class Ops
{
    /// <summary>The same elements with another shape (-1 infers one dimension); no copy.</summary>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        var y = x.View(shape);
        if (Tape.IsTracking(x))
        {
            Tape.Record(y, () =>
            {
                if (y.Grad is { } dy)
                {
                    x.Backend.Axpy(1f, dy, x.EnsureGrad());
                }
            });
        }

        return y;
    }

    /// <summary>Permutes axes: result.shape[i] = x.shape[perm[i]].</summary>
    public static Tensor Permute(Tensor x, params int[] perm)
    {
        if (perm.Length != x.Rank || perm.Distinct().Count() != perm.Length || perm.Any(p => p < 0 || p >= x.Rank))
        {
            throw new ArgumentException($"[{string.Join(", ", perm)}] is not a permutation of the axes of {x.Describe()}");
        }

        var be = x.Backend;
        var y = be.Allocate(perm.Select(p => x.Dim(p)).ToArray());
        be.Permute(x, perm, y);
        if (Tape.IsTracking(x))
        {
            Tape.Record(y, () =>
            {
                if (y.Grad is not { } dy)
                {
                    return;
                }

                var inverse = new int[perm.Length];
                for (int i = 0; i < perm.Length; i++)
                {
                    inverse[perm[i]] = i;
                }

                var dx = be.Allocate(x.Shape);
                be.Permute(dy, inverse, dx);
                be.Axpy(1f, dx, x.EnsureGrad());
            });
        }

        return y;
    }

    /// <summary>Swaps the last two axes.</summary>
    public static Tensor Transpose(Tensor x)
    {
        var perm = Enumerable.Range(0, x.Rank).ToArray();
        (perm[^1], perm[^2]) = (perm[^2], perm[^1]);
        return Permute(x, perm);
    }

    /// <summary>Elements [start, start + length) along one axis.</summary>
    public static Tensor Slice(Tensor x, int axis, int start, int length)
    {
        axis = Shape.Axis(axis, x.Rank);
        int dim = x.Dim(axis);
        if (start < 0 || length < 0 || start + length > dim)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"slice [{start}, {start + length}) of axis {axis} of {x.Describe()}");
        }

        int inner = InnerSize(x, axis);
        int outer = x.Length / Math.Max(dim * inner, 1);
        int[] shape = x.ShapeArray;
        shape[axis] = length;
        var be = x.Backend;
        var y = be.Allocate(shape);
        if (y.Length > 0)
        {
            be.CopyBlocks(x, start * inner, dim * inner, y, 0, length * inner, length * inner, outer);
        }

        if (Tape.IsTracking(x))
        {
            Tape.Record(y, () =>
            {
                if (y.Grad is { } dy && dy.Length > 0)
                {
                    be.CopyBlocks(dy, 0, length * inner, x.EnsureGrad(), start * inner, dim * inner,
                        length * inner, outer, accumulate: true);
                }
            });
        }

        return y;
    }

    /// <summary>The slice at one index of an axis, with that axis removed (e.g. step t of [batch, time, f]).</summary>
    public static Tensor Select(Tensor x, int axis, int index)
    {
        axis = Shape.Axis(axis, x.Rank);
        var s = Slice(x, axis, index, 1);
        var shape = x.ShapeArray.Where((_, i) => i != axis).ToArray();
        return Reshape(s, shape);
    }

    /// <summary>Joins tensors along an existing axis; all other dimensions must match.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> parts, int axis)
    {
        if (parts.Count == 0)
        {
            throw new ArgumentException("Concat needs at least one tensor");
        }

        var first = parts[0];
        axis = Shape.Axis(axis, first.Rank);
        int inner = InnerSize(first, axis);
        int outer = Shape.Size(first.Shape[..axis]);   // not first.Length / ...: the first part may be empty
        int total = 0;
        foreach (var p in parts)
        {
            CheckSameBackend(first, p);
            if (p.Rank != first.Rank || Enumerable.Range(0, p.Rank).Any(i => i != axis && p.Dim(i) != first.Dim(i)))
            {
                throw new ArgumentException($"Concat along axis {axis}: {p.Describe()} does not match {first.Describe()}");
            }

            total += p.Dim(axis);
        }

        int[] shape = first.ShapeArray;
        shape[axis] = total;
        var be = first.Backend;
        var y = be.Allocate(shape);
        int at = 0;
        var starts = new int[parts.Count];
        for (int i = 0; i < parts.Count; i++)
        {
            starts[i] = at;
            int len = parts[i].Dim(axis);
            if (len > 0 && outer > 0)
            {
                be.CopyBlocks(parts[i], 0, len * inner, y, at * inner, total * inner, len * inner, outer);
            }

            at += len;
        }

        if (Tape.IsTracking(parts.ToArray()))
        {
            var saved = parts.ToArray();
            Tape.Record(y, () =>
            {
                if (y.Grad is not { } dy)
                {
                    return;
                }

                for (int i = 0; i < saved.Length; i++)
                {
                    int len = saved[i].Dim(axis);
                    if (saved[i].RequiresGrad && len > 0 && outer > 0)
                    {
                        be.CopyBlocks(dy, starts[i] * inner, total * inner, saved[i].EnsureGrad(), 0, len * inner,
                            len * inner, outer, accumulate: true);
                    }
                }
            });
        }

        return y;
    }

    /// <summary>Stacks equal-shape tensors along a new axis.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> parts, int axis)
    {
        if (parts.Count == 0)
        {
            throw new ArgumentException("Stack needs at least one tensor");
        }

        int rank = parts[0].Rank + 1;
        axis = Shape.Axis(axis, rank);
        var expanded = parts.Select(p =>
        {
            var shape = p.ShapeArray.ToList();
            shape.Insert(axis, 1);
            return Reshape(p, shape.ToArray());
        }).ToArray();
        return Concat(expanded, axis);
    }

    /// <summary>Rows of table [rows, cols] picked by indices: result [indices.Length, cols].</summary>
    public static Tensor Gather(Tensor table, int[] indices)
    {
        var be = table.Backend;
        var y = be.Allocate(new[] { indices.Length, table.Dim(-1) });
        be.GatherRows(table, indices, y);
        if (Tape.IsTracking(table))
        {
            Tape.Record(y, () =>
            {
                if (y.Grad is { } dy)
                {
                    be.ScatterAddRows(dy, indices, table.EnsureGrad());
                }
            });
        }

        return y;
    }

    private static int InnerSize(Tensor x, int axis)
    {
        int inner = 1;
        for (int i = axis + 1; i < x.Rank; i++)
        {
            inner *= x.Dim(i);
        }

        return inner;
    }
}
