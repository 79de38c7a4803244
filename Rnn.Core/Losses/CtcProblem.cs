namespace Rnn.Core.Losses;

/// <summary>A validated CTC batch: sizes, blank, and where each sample's labels start.</summary>
internal sealed class CtcProblem
{
    private CtcProblem(int batch, int time, int classes, int blank, int[] targets, int[] targetLengths,
        int[] targetStarts, int[] inputLengths)
    {
        Batch = batch;
        Time = time;
        Classes = classes;
        Blank = blank;
        Targets = targets;
        TargetLengths = targetLengths;
        TargetStarts = targetStarts;
        InputLengths = inputLengths;
    }

    public int Batch { get; }

    public int Time { get; }

    public int Classes { get; }

    public int Blank { get; }

    public int[] Targets { get; }

    public int[] TargetLengths { get; }

    public int[] TargetStarts { get; }

    public int[] InputLengths { get; }

    public static CtcProblem Create(Tensor logits, int[] targets, int[] targetLengths, int[] inputLengths, int blank)
    {
        if (logits.Rank != 3)
        {
            throw new ArgumentException($"CTC needs logits [batch, time, classes]; got {logits.Describe()}");
        }

        int batch = logits.Dim(0), time = logits.Dim(1), classes = logits.Dim(2);
        if (blank < 0 || blank >= classes)
        {
            throw new ArgumentOutOfRangeException(nameof(blank), $"blank {blank} is not a class of 0..{classes - 1}");
        }

        if (targetLengths.Length != batch || inputLengths.Length != batch)
        {
            throw new ArgumentException(
                $"CTC batch is {batch} but {targetLengths.Length} target lengths and " +
                $"{inputLengths.Length} input lengths were given");
        }

        var starts = new int[batch];
        int offset = 0;
        for (int b = 0; b < batch; b++)
        {
            if (inputLengths[b] < 0 || inputLengths[b] > time)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(inputLengths), $"input length {b} is {inputLengths[b]}; time is {time}");
            }

            if (targetLengths[b] < 0)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(targetLengths), $"target length {b} is {targetLengths[b]}");
            }

            starts[b] = offset;
            offset += targetLengths[b];
        }

        if (offset > targets.Length)
        {
            throw new ArgumentException(
                $"target lengths add up to {offset} but only {targets.Length} targets were given");
        }

        for (int i = 0; i < offset; i++)
        {
            if (targets[i] < 0 || targets[i] >= classes || targets[i] == blank)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(targets),
                    $"the target label at flat index {i} is {targets[i]}; labels must be in " +
                    $"0..{classes - 1} and not the blank {blank}");
            }
        }

        return new CtcProblem(batch, time, classes, blank, targets, targetLengths, starts, inputLengths);
    }
}
