using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Core.Cpu;

/// <summary>
/// Vector loops for the element-wise ops TensorPrimitives has no single call for (activation
/// derivatives, leaky ReLU, dropout masks): a Vector512 path, a Vector256 path and a scalar
/// loop that also finishes the tail of the vector paths. Every span of one call has the same
/// length (the backend checks it); refs replace indexing so the loops carry no bounds checks.
/// </summary>
internal static class ElementwiseKernels
{
    /// <summary>dx += dy * y * (1 - y), the sigmoid derivative from its output.</summary>
    public static void SigmoidBackward(CpuSimd simd, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int n = dx.Length;
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        int i = 0;
        if (simd == CpuSimd.Avx512)
        {
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref yr, (nuint)i);
                var g = Vector512.LoadUnsafe(ref dyr, (nuint)i) * v * (Vector512<float>.One - v);
                (Vector512.LoadUnsafe(ref dxr, (nuint)i) + g).StoreUnsafe(ref dxr, (nuint)i);
            }
        }
        else if (simd == CpuSimd.Avx2)
        {
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref yr, (nuint)i);
                var g = Vector256.LoadUnsafe(ref dyr, (nuint)i) * v * (Vector256<float>.One - v);
                (Vector256.LoadUnsafe(ref dxr, (nuint)i) + g).StoreUnsafe(ref dxr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref yr, i);
            Unsafe.Add(ref dxr, i) += Unsafe.Add(ref dyr, i) * v * (1f - v);
        }
    }

    /// <summary>dx += dy * (1 - y*y), the tanh derivative from its output.</summary>
    public static void TanhBackward(CpuSimd simd, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int n = dx.Length;
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        int i = 0;
        if (simd == CpuSimd.Avx512)
        {
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref yr, (nuint)i);
                var g = Vector512.LoadUnsafe(ref dyr, (nuint)i) * (Vector512<float>.One - v * v);
                (Vector512.LoadUnsafe(ref dxr, (nuint)i) + g).StoreUnsafe(ref dxr, (nuint)i);
            }
        }
        else if (simd == CpuSimd.Avx2)
        {
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref yr, (nuint)i);
                var g = Vector256.LoadUnsafe(ref dyr, (nuint)i) * (Vector256<float>.One - v * v);
                (Vector256.LoadUnsafe(ref dxr, (nuint)i) + g).StoreUnsafe(ref dxr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref yr, i);
            Unsafe.Add(ref dxr, i) += Unsafe.Add(ref dyr, i) * (1f - v * v);
        }
    }

    /// <summary>dx += dy * (x &gt; 0 ? 1 : slope); slope 0 is the ReLU derivative.</summary>
    public static void LeakyReluBackward(CpuSimd simd, ReadOnlySpan<float> x, float slope,
        ReadOnlySpan<float> dy, Span<float> dx)
    {
        int n = dx.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        int i = 0;
        if (simd == CpuSimd.Avx512)
        {
            var s = Vector512.Create(slope);
            for (; i <= n - 16; i += 16)
            {
                var g = Vector512.LoadUnsafe(ref dyr, (nuint)i);
                var pos = Vector512.GreaterThan(Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512<float>.Zero);
                var d = Vector512.ConditionalSelect(pos, g, g * s);
                (Vector512.LoadUnsafe(ref dxr, (nuint)i) + d).StoreUnsafe(ref dxr, (nuint)i);
            }
        }
        else if (simd == CpuSimd.Avx2)
        {
            var s = Vector256.Create(slope);
            for (; i <= n - 8; i += 8)
            {
                var g = Vector256.LoadUnsafe(ref dyr, (nuint)i);
                var pos = Vector256.GreaterThan(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256<float>.Zero);
                var d = Vector256.ConditionalSelect(pos, g, g * s);
                (Vector256.LoadUnsafe(ref dxr, (nuint)i) + d).StoreUnsafe(ref dxr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float g = Unsafe.Add(ref dyr, i);
            Unsafe.Add(ref dxr, i) += Unsafe.Add(ref xr, i) > 0 ? g : slope * g;
        }
    }

    /// <summary>y = x &gt; 0 ? x : slope * x (x and y may be the same span).</summary>
    public static void LeakyRelu(CpuSimd simd, ReadOnlySpan<float> x, float slope, Span<float> y)
    {
        int n = y.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (simd == CpuSimd.Avx512)
        {
            var s = Vector512.Create(slope);
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref xr, (nuint)i);
                var pos = Vector512.GreaterThan(v, Vector512<float>.Zero);
                Vector512.ConditionalSelect(pos, v, v * s).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (simd == CpuSimd.Avx2)
        {
            var s = Vector256.Create(slope);
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref xr, (nuint)i);
                var pos = Vector256.GreaterThan(v, Vector256<float>.Zero);
                Vector256.ConditionalSelect(pos, v, v * s).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref xr, i);
            Unsafe.Add(ref yr, i) = v > 0 ? v : slope * v;
        }
    }

    /// <summary>y = mask &gt;= threshold ? x * scale : 0 (inverted dropout).</summary>
    public static void Dropout(CpuSimd simd, ReadOnlySpan<float> x, ReadOnlySpan<float> mask,
        float threshold, float scale, Span<float> y)
    {
        int n = y.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float mr = ref MemoryMarshal.GetReference(mask);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (simd == CpuSimd.Avx512)
        {
            var t = Vector512.Create(threshold);
            var s = Vector512.Create(scale);
            for (; i <= n - 16; i += 16)
            {
                var keep = Vector512.GreaterThanOrEqual(Vector512.LoadUnsafe(ref mr, (nuint)i), t);
                (Vector512.LoadUnsafe(ref xr, (nuint)i) * s & keep).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (simd == CpuSimd.Avx2)
        {
            var t = Vector256.Create(threshold);
            var s = Vector256.Create(scale);
            for (; i <= n - 8; i += 8)
            {
                var keep = Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref mr, (nuint)i), t);
                (Vector256.LoadUnsafe(ref xr, (nuint)i) * s & keep).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref yr, i) = Unsafe.Add(ref mr, i) >= threshold ? Unsafe.Add(ref xr, i) * scale : 0f;
        }
    }

    /// <summary>dx += y * (dy - dot) for one softmax row, where dot = sum(dy * y).</summary>
    public static void SoftmaxRowBackward(CpuSimd simd, ReadOnlySpan<float> y, ReadOnlySpan<float> dy,
        float dot, Span<float> dx)
    {
        int n = dx.Length;
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        int i = 0;
        if (simd == CpuSimd.Avx512)
        {
            var d = Vector512.Create(dot);
            for (; i <= n - 16; i += 16)
            {
                var g = Vector512.LoadUnsafe(ref yr, (nuint)i) * (Vector512.LoadUnsafe(ref dyr, (nuint)i) - d);
                (Vector512.LoadUnsafe(ref dxr, (nuint)i) + g).StoreUnsafe(ref dxr, (nuint)i);
            }
        }
        else if (simd == CpuSimd.Avx2)
        {
            var d = Vector256.Create(dot);
            for (; i <= n - 8; i += 8)
            {
                var g = Vector256.LoadUnsafe(ref yr, (nuint)i) * (Vector256.LoadUnsafe(ref dyr, (nuint)i) - d);
                (Vector256.LoadUnsafe(ref dxr, (nuint)i) + g).StoreUnsafe(ref dxr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dxr, i) += Unsafe.Add(ref yr, i) * (Unsafe.Add(ref dyr, i) - dot);
        }
    }
}
