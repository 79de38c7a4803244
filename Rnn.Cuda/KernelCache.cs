using ILGPU;
using ILGPU.Runtime;
using Rnn.Cuda.Kernels;
using F = ILGPU.ArrayView<float>;
using I = ILGPU.ArrayView<int>;
using S = ILGPU.Runtime.AcceleratorStream;

namespace Rnn.Cuda;

/// <summary>
/// Every kernel of the backend, compiled for its accelerator on first use and kept: ILGPU's
/// compile (to PTX on CUDA) happens once per kernel and backend, later calls only launch.
/// Each launcher takes the stream and the thread count (auto-grouped 1-D kernels) or the grid.
/// F, I and S abbreviate float views, int views and the stream.
/// </summary>
/// <remarks>One entry per kernel of Kernels/, in the same order as there.</remarks>
internal sealed class KernelCache
{
    private readonly Accelerator accelerator;

    public KernelCache(Accelerator accelerator) => this.accelerator = accelerator;

    private Action<S, Index1D, F, float>? fill;

    public void Fill(S stream, int threads, F a0, float a1) =>
        (fill ??= accelerator.LoadAutoGroupedKernel<Index1D, F, float>(
            MemoryKernels.Fill))(stream, threads, a0, a1);

    private Action<S, Index1D, F, F, BlockCopy>? copyBlocks;

    public void CopyBlocks(S stream, int threads, F a0, F a1, BlockCopy a2) =>
        (copyBlocks ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, BlockCopy>(
            MemoryKernels.CopyBlocks))(stream, threads, a0, a1, a2);

    private Action<S, Index1D, F, F, int, Dims, Dims>? permute;

    public void Permute(S stream, int threads, F a0, F a1, int a2, Dims a3, Dims a4) =>
        (permute ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, int, Dims, Dims>(
            MemoryKernels.Permute))(stream, threads, a0, a1, a2, a3, a4);

    private Action<S, Index1D, F, F, int>? unary;

    public void Unary(S stream, int threads, F a0, F a1, int a2) =>
        (unary ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, int>(
            ElementwiseKernels.Unary))(stream, threads, a0, a1, a2);

    private Action<S, Index1D, F, F, F, F, int>? unaryBackward;

    public void UnaryBackward(S stream, int threads, F a0, F a1, F a2, F a3, int a4) =>
        (unaryBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, F, int>(
            ElementwiseKernels.UnaryBackward))(stream, threads, a0, a1, a2, a3, a4);

    private Action<S, Index1D, F, F, float>? leakyRelu;

    public void LeakyRelu(S stream, int threads, F a0, F a1, float a2) =>
        (leakyRelu ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, float>(
            ElementwiseKernels.LeakyRelu))(stream, threads, a0, a1, a2);

    private Action<S, Index1D, F, F, F, float>? leakyReluBackward;

    public void LeakyReluBackward(S stream, int threads, F a0, F a1, F a2, float a3) =>
        (leakyReluBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, float>(
            ElementwiseKernels.LeakyReluBackward))(stream, threads, a0, a1, a2, a3);

    private Action<S, Index1D, F, F, F, int>? binarySame;

    public void BinarySame(S stream, int threads, F a0, F a1, F a2, int a3) =>
        (binarySame ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, int>(
            ElementwiseKernels.BinarySame))(stream, threads, a0, a1, a2, a3);

    private Action<S, Index1D, F, F, F, int, Broadcast>? binaryBroadcast;

    public void BinaryBroadcast(S stream, int threads, F a0, F a1, F a2, int a3, Broadcast a4) =>
        (binaryBroadcast ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, int, Broadcast>(
            ElementwiseKernels.BinaryBroadcast))(stream, threads, a0, a1, a2, a3, a4);

    private Action<S, Index1D, F, F, float, float>? affine;

    public void Affine(S stream, int threads, F a0, F a1, float a2, float a3) =>
        (affine ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, float, float>(
            ElementwiseKernels.Affine))(stream, threads, a0, a1, a2, a3);

    private Action<S, Index1D, F, F, float>? axpy;

    public void Axpy(S stream, int threads, F a0, F a1, float a2) =>
        (axpy ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, float>(
            ElementwiseKernels.Axpy))(stream, threads, a0, a1, a2);

    private Action<S, Index1D, F, F, F, float, float>? dropout;

    public void Dropout(S stream, int threads, F a0, F a1, F a2, float a3, float a4) =>
        (dropout ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, float, float>(
            ElementwiseKernels.Dropout))(stream, threads, a0, a1, a2, a3, a4);

    private Action<S, Index1D, F, F, F, int>? partialSums;

    public void PartialSums(S stream, int threads, F a0, F a1, F a2, int a3) =>
        (partialSums ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, int>(
            ReduceKernels.PartialSums))(stream, threads, a0, a1, a2, a3);

    private Action<S, Index1D, F, F, SumToPlan>? sumTo;

    public void SumTo(S stream, int threads, F a0, F a1, SumToPlan a2) =>
        (sumTo ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, SumToPlan>(
            ReduceKernels.SumTo))(stream, threads, a0, a1, a2);

    private Action<S, Index1D, F, F, int>? rowMax;

    public void RowMax(S stream, int threads, F a0, F a1, int a2) =>
        (rowMax ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, int>(
            ReduceKernels.RowMax))(stream, threads, a0, a1, a2);

    private Action<S, Index1D, F, F, int>? softmax;

    public void Softmax(S stream, int threads, F a0, F a1, int a2) =>
        (softmax ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, int>(
            ReduceKernels.Softmax))(stream, threads, a0, a1, a2);

    private Action<S, Index1D, F, F, int>? logSoftmax;

    public void LogSoftmax(S stream, int threads, F a0, F a1, int a2) =>
        (logSoftmax ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, int>(
            ReduceKernels.LogSoftmax))(stream, threads, a0, a1, a2);

    private Action<S, Index1D, F, F, F, int>? softmaxBackward;

    public void SoftmaxBackward(S stream, int threads, F a0, F a1, F a2, int a3) =>
        (softmaxBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, int>(
            ReduceKernels.SoftmaxBackward))(stream, threads, a0, a1, a2, a3);

    private Action<S, Index1D, F, F, F, int>? logSoftmaxBackward;

    public void LogSoftmaxBackward(S stream, int threads, F a0, F a1, F a2, int a3) =>
        (logSoftmaxBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, int>(
            ReduceKernels.LogSoftmaxBackward))(stream, threads, a0, a1, a2, a3);

    private Action<S, Index1D, F, I, F, int>? gatherRows;

    public void GatherRows(S stream, int threads, F a0, I a1, F a2, int a3) =>
        (gatherRows ??= accelerator.LoadAutoGroupedKernel<Index1D, F, I, F, int>(
            ReduceKernels.GatherRows))(stream, threads, a0, a1, a2, a3);

    private Action<S, Index1D, F, I, F, int>? scatterAddRows;

    public void ScatterAddRows(S stream, int threads, F a0, I a1, F a2, int a3) =>
        (scatterAddRows ??= accelerator.LoadAutoGroupedKernel<Index1D, F, I, F, int>(
            ReduceKernels.ScatterAddRows))(stream, threads, a0, a1, a2, a3);

    private Action<S, Index1D, F, F, F, F, ConvArgs>? convForward;

    public void ConvForward(S stream, int threads, F a0, F a1, F a2, F a3, ConvArgs a4) =>
        (convForward ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, F, ConvArgs>(
            ConvKernels.Forward))(stream, threads, a0, a1, a2, a3, a4);

    private Action<S, Index1D, F, F, F, ConvArgs>? convBackwardData;

    public void ConvBackwardData(S stream, int threads, F a0, F a1, F a2, ConvArgs a3) =>
        (convBackwardData ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, ConvArgs>(
            ConvKernels.BackwardData))(stream, threads, a0, a1, a2, a3);

    private Action<S, Index1D, F, F, F, ConvArgs>? convBackwardFilter;

    public void ConvBackwardFilter(S stream, int threads, F a0, F a1, F a2, ConvArgs a3) =>
        (convBackwardFilter ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, ConvArgs>(
            ConvKernels.BackwardFilter))(stream, threads, a0, a1, a2, a3);

    private Action<S, Index1D, F, F, ConvArgs>? convBackwardBias;

    public void ConvBackwardBias(S stream, int threads, F a0, F a1, ConvArgs a2) =>
        (convBackwardBias ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, ConvArgs>(
            ConvKernels.BackwardBias))(stream, threads, a0, a1, a2);

    private Action<S, Index1D, F, F, ConvArgs>? maxPool;

    public void MaxPool(S stream, int threads, F a0, F a1, ConvArgs a2) =>
        (maxPool ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, ConvArgs>(
            ConvKernels.MaxPool))(stream, threads, a0, a1, a2);

    private Action<S, Index1D, F, F, F, ConvArgs>? maxPoolBackward;

    public void MaxPoolBackward(S stream, int threads, F a0, F a1, F a2, ConvArgs a3) =>
        (maxPoolBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, ConvArgs>(
            ConvKernels.MaxPoolBackward))(stream, threads, a0, a1, a2, a3);

    private Action<S, Index1D, F, F, ConvArgs>? avgPool;

    public void AvgPool(S stream, int threads, F a0, F a1, ConvArgs a2) =>
        (avgPool ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, ConvArgs>(
            ConvKernels.AvgPool))(stream, threads, a0, a1, a2);

    private Action<S, Index1D, F, F, ConvArgs>? avgPoolBackward;

    public void AvgPoolBackward(S stream, int threads, F a0, F a1, ConvArgs a2) =>
        (avgPoolBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, ConvArgs>(
            ConvKernels.AvgPoolBackward))(stream, threads, a0, a1, a2);

    private Action<S, Index1D, F, F, F, F, F, F, RecurrentArgs>? lstmForward;

    public void LstmForward(S stream, int threads, F a0, F a1, F a2, F a3, F a4, F a5, RecurrentArgs a6) =>
        (lstmForward ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, F, F, F, RecurrentArgs>(
            RecurrentKernels.LstmForward))(stream, threads, a0, a1, a2, a3, a4, a5, a6);

    private Action<S, Index1D, F, F, F, F, F, F, F, F, RecurrentArgs>? lstmBackward;

    public void LstmBackward(S stream, int threads, F a0, F a1, F a2, F a3, F a4, F a5, F a6, F a7, RecurrentArgs a8) =>
        (lstmBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, F, F, F, F, F, RecurrentArgs>(
            RecurrentKernels.LstmBackward))(stream, threads, a0, a1, a2, a3, a4, a5, a6, a7, a8);

    private Action<S, Index1D, F, F, F, F, F, RecurrentArgs>? gruForward;

    public void GruForward(S stream, int threads, F a0, F a1, F a2, F a3, F a4, RecurrentArgs a5) =>
        (gruForward ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, F, F, RecurrentArgs>(
            RecurrentKernels.GruForward))(stream, threads, a0, a1, a2, a3, a4, a5);

    private Action<S, Index1D, F, F, F, F, F, RecurrentArgs>? gruResetForward;

    public void GruResetForward(S stream, int threads, F a0, F a1, F a2, F a3, F a4, RecurrentArgs a5) =>
        (gruResetForward ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, F, F, RecurrentArgs>(
            RecurrentKernels.GruResetForward))(stream, threads, a0, a1, a2, a3, a4, a5);

    private Action<S, Index1D, F, F, F, F, F, F, F, F, RecurrentArgs>? gruBackward;

    public void GruBackward(S stream, int threads, F a0, F a1, F a2, F a3, F a4, F a5, F a6, F a7, RecurrentArgs a8) =>
        (gruBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, F, F, F, F, F, RecurrentArgs>(
            RecurrentKernels.GruBackward))(stream, threads, a0, a1, a2, a3, a4, a5, a6, a7, a8);

    private Action<S, Index1D, F, F, F, F, F, F, F, RecurrentArgs>? gruResetBackward;

    public void GruResetBackward(S stream, int threads, F a0, F a1, F a2, F a3, F a4, F a5, F a6, RecurrentArgs a7) =>
        (gruResetBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, F, F, F, F, RecurrentArgs>(
            RecurrentKernels.GruResetBackward))(stream, threads, a0, a1, a2, a3, a4, a5, a6, a7);

    private Action<S, Index1D, F, F, F, SgdArgs>? sgd;

    public void Sgd(S stream, int threads, F a0, F a1, F a2, SgdArgs a3) =>
        (sgd ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, SgdArgs>(
            OptimKernels.Sgd))(stream, threads, a0, a1, a2, a3);

    private Action<S, Index1D, F, F, F, F, AdamArgs>? adam;

    public void Adam(S stream, int threads, F a0, F a1, F a2, F a3, AdamArgs a4) =>
        (adam ??= accelerator.LoadAutoGroupedKernel<Index1D, F, F, F, F, AdamArgs>(
            OptimKernels.Adam))(stream, threads, a0, a1, a2, a3, a4);

    private Action<S, KernelConfig, F, F, F, GemmArgs>? gemm;

    public void Gemm(S stream, KernelConfig config, F a, F b, F c, GemmArgs p) =>
        (gemm ??= accelerator.LoadKernel<F, F, F, GemmArgs>(GemmKernels.Gemm))(stream, config, a, b, c, p);
}
