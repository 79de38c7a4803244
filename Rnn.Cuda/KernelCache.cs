using ILGPU;
using ILGPU.Runtime;
using Rnn.Cuda.Kernels;

namespace Rnn.Cuda;

/// <summary>
/// Every kernel of the backend, compiled for its accelerator on first use and kept: ILGPU's
/// compile (to PTX on CUDA) happens once per kernel and backend, later calls only launch.
/// Each launcher takes the stream and the thread count (auto-grouped 1-D kernels) or the grid.
/// </summary>
/// <remarks>One entry per kernel of Kernels/, in the same order as there.</remarks>
internal sealed class KernelCache
{
    private readonly Accelerator accelerator;

    public KernelCache(Accelerator accelerator) => this.accelerator = accelerator;

    private Action<AcceleratorStream, Index1D, ArrayView<float>, float>? fill;

    public void Fill(AcceleratorStream stream, int threads, ArrayView<float> a0, float a1) =>
        (fill ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, float>(MemoryKernels.Fill))(stream, threads, a0, a1);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, BlockCopy>? copyBlocks;

    public void CopyBlocks(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, BlockCopy a2) =>
        (copyBlocks ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, BlockCopy>(MemoryKernels.CopyBlocks))(stream, threads, a0, a1, a2);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int, Dims, Dims>? permute;

    public void Permute(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, int a2, Dims a3, Dims a4) =>
        (permute ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int, Dims, Dims>(MemoryKernels.Permute))(stream, threads, a0, a1, a2, a3, a4);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int>? unary;

    public void Unary(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, int a2) =>
        (unary ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(ElementwiseKernels.Unary))(stream, threads, a0, a1, a2);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? unaryBackward;

    public void UnaryBackward(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3, int a4) =>
        (unaryBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ElementwiseKernels.UnaryBackward))(stream, threads, a0, a1, a2, a3, a4);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, float>? leakyRelu;

    public void LeakyRelu(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, float a2) =>
        (leakyRelu ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, float>(ElementwiseKernels.LeakyRelu))(stream, threads, a0, a1, a2);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>? leakyReluBackward;

    public void LeakyReluBackward(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, float a3) =>
        (leakyReluBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(ElementwiseKernels.LeakyReluBackward))(stream, threads, a0, a1, a2, a3);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? binarySame;

    public void BinarySame(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, int a3) =>
        (binarySame ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ElementwiseKernels.BinarySame))(stream, threads, a0, a1, a2, a3);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, Broadcast>? binaryBroadcast;

    public void BinaryBroadcast(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, int a3, Broadcast a4) =>
        (binaryBroadcast ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, Broadcast>(ElementwiseKernels.BinaryBroadcast))(stream, threads, a0, a1, a2, a3, a4);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, float, float>? affine;

    public void Affine(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, float a2, float a3) =>
        (affine ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, float, float>(ElementwiseKernels.Affine))(stream, threads, a0, a1, a2, a3);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, float>? axpy;

    public void Axpy(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, float a2) =>
        (axpy ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, float>(ElementwiseKernels.Axpy))(stream, threads, a0, a1, a2);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float>? dropout;

    public void Dropout(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, float a3, float a4) =>
        (dropout ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float>(ElementwiseKernels.Dropout))(stream, threads, a0, a1, a2, a3, a4);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? partialSums;

    public void PartialSums(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, int a3) =>
        (partialSums ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ReduceKernels.PartialSums))(stream, threads, a0, a1, a2, a3);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, SumToPlan>? sumTo;

    public void SumTo(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, SumToPlan a2) =>
        (sumTo ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, SumToPlan>(ReduceKernels.SumTo))(stream, threads, a0, a1, a2);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int>? rowMax;

    public void RowMax(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, int a2) =>
        (rowMax ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(ReduceKernels.RowMax))(stream, threads, a0, a1, a2);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int>? softmax;

    public void Softmax(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, int a2) =>
        (softmax ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(ReduceKernels.Softmax))(stream, threads, a0, a1, a2);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, int>? logSoftmax;

    public void LogSoftmax(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, int a2) =>
        (logSoftmax ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(ReduceKernels.LogSoftmax))(stream, threads, a0, a1, a2);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? softmaxBackward;

    public void SoftmaxBackward(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, int a3) =>
        (softmaxBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ReduceKernels.SoftmaxBackward))(stream, threads, a0, a1, a2, a3);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? logSoftmaxBackward;

    public void LogSoftmaxBackward(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, int a3) =>
        (logSoftmaxBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ReduceKernels.LogSoftmaxBackward))(stream, threads, a0, a1, a2, a3);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>? gatherRows;

    public void GatherRows(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<int> a1, ArrayView<float> a2, int a3) =>
        (gatherRows ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>(ReduceKernels.GatherRows))(stream, threads, a0, a1, a2, a3);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>? scatterAddRows;

    public void ScatterAddRows(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<int> a1, ArrayView<float> a2, int a3) =>
        (scatterAddRows ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int>(ReduceKernels.ScatterAddRows))(stream, threads, a0, a1, a2, a3);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs>? convForward;

    public void ConvForward(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3, ConvArgs a4) =>
        (convForward ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs>(ConvKernels.Forward))(stream, threads, a0, a1, a2, a3, a4);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs>? convBackwardData;

    public void ConvBackwardData(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ConvArgs a3) =>
        (convBackwardData ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs>(ConvKernels.BackwardData))(stream, threads, a0, a1, a2, a3);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs>? convBackwardFilter;

    public void ConvBackwardFilter(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ConvArgs a3) =>
        (convBackwardFilter ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs>(ConvKernels.BackwardFilter))(stream, threads, a0, a1, a2, a3);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ConvArgs>? convBackwardBias;

    public void ConvBackwardBias(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ConvArgs a2) =>
        (convBackwardBias ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvArgs>(ConvKernels.BackwardBias))(stream, threads, a0, a1, a2);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ConvArgs>? maxPool;

    public void MaxPool(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ConvArgs a2) =>
        (maxPool ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvArgs>(ConvKernels.MaxPool))(stream, threads, a0, a1, a2);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs>? maxPoolBackward;

    public void MaxPoolBackward(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ConvArgs a3) =>
        (maxPoolBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs>(ConvKernels.MaxPoolBackward))(stream, threads, a0, a1, a2, a3);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ConvArgs>? avgPool;

    public void AvgPool(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ConvArgs a2) =>
        (avgPool ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvArgs>(ConvKernels.AvgPool))(stream, threads, a0, a1, a2);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ConvArgs>? avgPoolBackward;

    public void AvgPoolBackward(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ConvArgs a2) =>
        (avgPoolBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvArgs>(ConvKernels.AvgPoolBackward))(stream, threads, a0, a1, a2);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, RecurrentArgs>? lstmForward;

    public void LstmForward(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3, ArrayView<float> a4, ArrayView<float> a5, RecurrentArgs a6) =>
        (lstmForward ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, RecurrentArgs>(RecurrentKernels.LstmForward))(stream, threads, a0, a1, a2, a3, a4, a5, a6);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, RecurrentArgs>? lstmBackward;

    public void LstmBackward(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3, ArrayView<float> a4, ArrayView<float> a5, ArrayView<float> a6, ArrayView<float> a7, RecurrentArgs a8) =>
        (lstmBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, RecurrentArgs>(RecurrentKernels.LstmBackward))(stream, threads, a0, a1, a2, a3, a4, a5, a6, a7, a8);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, RecurrentArgs>? gruForward;

    public void GruForward(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3, ArrayView<float> a4, RecurrentArgs a5) =>
        (gruForward ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, RecurrentArgs>(RecurrentKernels.GruForward))(stream, threads, a0, a1, a2, a3, a4, a5);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, RecurrentArgs>? gruResetForward;

    public void GruResetForward(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3, ArrayView<float> a4, RecurrentArgs a5) =>
        (gruResetForward ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, RecurrentArgs>(RecurrentKernels.GruResetForward))(stream, threads, a0, a1, a2, a3, a4, a5);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, RecurrentArgs>? gruBackward;

    public void GruBackward(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3, ArrayView<float> a4, ArrayView<float> a5, ArrayView<float> a6, ArrayView<float> a7, RecurrentArgs a8) =>
        (gruBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, RecurrentArgs>(RecurrentKernels.GruBackward))(stream, threads, a0, a1, a2, a3, a4, a5, a6, a7, a8);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, RecurrentArgs>? gruResetBackward;

    public void GruResetBackward(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3, ArrayView<float> a4, ArrayView<float> a5, ArrayView<float> a6, RecurrentArgs a7) =>
        (gruResetBackward ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, RecurrentArgs>(RecurrentKernels.GruResetBackward))(stream, threads, a0, a1, a2, a3, a4, a5, a6, a7);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdArgs>? sgd;

    public void Sgd(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, SgdArgs a3) =>
        (sgd ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdArgs>(OptimKernels.Sgd))(stream, threads, a0, a1, a2, a3);

    private Action<AcceleratorStream, Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamArgs>? adam;

    public void Adam(AcceleratorStream stream, int threads, ArrayView<float> a0, ArrayView<float> a1, ArrayView<float> a2, ArrayView<float> a3, AdamArgs a4) =>
        (adam ??= accelerator.LoadAutoGroupedKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamArgs>(OptimKernels.Adam))(stream, threads, a0, a1, a2, a3, a4);

    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>? gemm;

    public void Gemm(AcceleratorStream stream, KernelConfig config, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArgs p) =>
        (gemm ??= accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>(GemmKernels.Gemm))(stream, config, a, b, c, p);
}
