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

    // Before the fix this failed 2 of 3 runs on the 2-core machine, or hung: a helper could
    // claim a task that did not exist and leave the count of unfinished tasks below zero. The
    // rounds run on their own thread so that a hang fails the test instead of stopping the run.
    [Test]
    public void RunReturnsOnlyWhenEveryTaskOfTheRoundHasFinished()
    {
        var body = new Marks();
        int early = 0;
        var rounds = new Thread(() =>
        {
            for (int round = 0; round < 100_000; round++)
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
        }) { IsBackground = true };
        rounds.Start();

        Assert.That(rounds.Join(TimeSpan.FromSeconds(60)), Is.True, "ForkJoin.Run never returned");
        Assert.That(early, Is.Zero, "tasks still running when ForkJoin.Run returned");
    }
}
