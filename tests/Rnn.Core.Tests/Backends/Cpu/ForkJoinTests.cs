using System.Diagnostics;
using System.Reflection;
using Rnn.Core.Cpu;

namespace Rnn.Core.Tests.Conformance;

public sealed class ForkJoinTests
{
    // Sets ForkJoin's helper settings for one test and puts the old ones back at its end.
    private sealed class HelperSettings : IDisposable
    {
        private readonly int idleMs = ForkJoin.HelperIdleMs, rounds = ForkJoin.RoundsBeforeOwnHelpers;

        public HelperSettings(int idleMs, int roundsBeforeOwnHelpers) =>
            (ForkJoin.HelperIdleMs, ForkJoin.RoundsBeforeOwnHelpers) = (idleMs, roundsBeforeOwnHelpers);

        public void Dispose() => (ForkJoin.HelperIdleMs, ForkJoin.RoundsBeforeOwnHelpers) = (idleMs, rounds);
    }

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

    // Two tasks that each wait (10 s at most) until both have started: they meet only if a
    // helper runs one of them while the caller runs the other. Each keeps the thread it ran on.
    private sealed class Meet : IForkJoinBody
    {
        public readonly int[] Threads = new int[2];
        public readonly Thread?[] Ran = new Thread?[2];
        private int started;

        public void Run(int task)
        {
            Threads[task] = Environment.CurrentManagedThreadId;
            Ran[task] = Thread.CurrentThread;
            Interlocked.Increment(ref started);
            var clock = Stopwatch.StartNew();
            while (Volatile.Read(ref started) < 2 && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(1);
            }
        }
    }

    // Helpers are threads of the caller's own: the first round starts one, it ends after idling
    // for HelperIdleMs, and a later round starts another that joins in.
    [Test]
    public void AHelperEndsAfterIdlingAndALaterRoundStartsAnother()
    {
        using (new HelperSettings(idleMs: 100, roundsBeforeOwnHelpers: 0))
        {
            var first = new Meet();
            var second = new Meet();
            int helpersAfterFirst = -1, helpersAfterIdle = -1, helpersAfterSecond = -1;
            var caller = new Thread(() =>
            {
                ForkJoin.Run(first, 2, 2);
                helpersAfterFirst = ForkJoin.HelperThreadsOfThisThread;
                var clock = Stopwatch.StartNew();
                while (ForkJoin.HelperThreadsOfThisThread > 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
                {
                    Thread.Sleep(10);
                }

                helpersAfterIdle = ForkJoin.HelperThreadsOfThisThread;
                ForkJoin.Run(second, 2, 2);
                helpersAfterSecond = ForkJoin.HelperThreadsOfThisThread;
            }) { IsBackground = true };
            caller.Start();

            Assert.That(caller.Join(TimeSpan.FromSeconds(60)), Is.True, "ForkJoin.Run never returned");
            Assert.That(first.Threads[0], Is.Not.EqualTo(first.Threads[1]), "the first round ran on one thread");
            Assert.That(helpersAfterFirst, Is.EqualTo(1));
            Assert.That(helpersAfterIdle, Is.Zero, "the helper did not end after idling");
            Assert.That(second.Threads[0], Is.Not.EqualTo(second.Threads[1]), "the later round ran on one thread");
            Assert.That(helpersAfterSecond, Is.EqualTo(1));
        }
    }

    // Packing a B splits into no more parts than a column block has panels: on a 65-thread
    // backend a 256-column B (16 AVX2 panels) woke 64 helper threads for 49 empty parts, and a
    // 64-unit LSTM ran 14 times slower than on 2 threads. The panels are the same either way.
    [Test]
    public void PackingANarrowBStartsNoMoreHelpersThanItHasPanels()
    {
        using (new HelperSettings(idleMs: 2000, roundsBeforeOwnHelpers: 0))
        {
            var be = new CpuBackend(65, CpuSimd.Avx2);
            var one = new CpuBackend(1, CpuSimd.Avx2);
            const int n = 256, k = 300;
            var data = Enumerable.Range(0, n * k).Select(i => (float)Math.Sin(i)).ToArray();
            float[]? many = null, single = null;
            int helpers = -1;
            var caller = new Thread(() =>
            {
                using var packed = be.PackGemmB(true, n, k, be.FromArray(data, new[] { n * k }), 0, k);
                packed.Prepack(be.Threads);
                helpers = ForkJoin.HelperThreadsOfThisThread;
                int length = PackedGemm.PackedLength(CpuSimd.Avx2, n, k);
                many = packed.Data.AsSpan(packed.Origin, length).ToArray();
                using var reference = one.PackGemmB(true, n, k, one.FromArray(data, new[] { n * k }), 0, k);
                reference.Prepack(1);
                single = reference.Data.AsSpan(reference.Origin, length).ToArray();
            }) { IsBackground = true };
            caller.Start();

            Assert.That(caller.Join(TimeSpan.FromSeconds(60)), Is.True, "packing never returned");
            Assert.That(PackedGemm.PackParts(CpuSimd.Avx2, n, be.Threads), Is.EqualTo(16));
            Assert.That(helpers, Is.InRange(1, 15), "helper threads started for one packing");
            Assert.That(many, Is.EqualTo(single), "the panels");
        }
    }

    // The round number sits in the high half of a 64-bit state word and wraps after int.MaxValue
    // rounds. The caller must number the round after the last positive one as the state reads it
    // back (-2^31): numbered 2^31 it claimed no task of its own round, which ran on the helper
    // alone (here the two tasks never met, and the round took the Meet's 10 s timeout).
    [Test]
    public void TheCallerWorksInTheRoundWhereTheRoundNumberWraps()
    {
        var body = new Meet();
        var caller = new Thread(() =>
        {
            ForkJoin.Run(new Meet(), 2, 2);   // this thread's instance and its helper
            Thread.Sleep(20);                 // past the helper's linger: nothing reads the state now
            var field = typeof(ForkJoin).GetField("perThread", BindingFlags.NonPublic | BindingFlags.Static)!;
            var instance = field.GetValue(null)!;
            var state = typeof(ForkJoin).GetField("state", BindingFlags.NonPublic | BindingFlags.Instance)!;
            state.SetValue(instance, ((long)int.MaxValue << 32) | int.MaxValue);   // round 2^31 - 1, closed
            ForkJoin.Run(body, 2, 2);
        }) { IsBackground = true };
        caller.Start();

        Assert.That(caller.Join(TimeSpan.FromSeconds(60)), Is.True, "ForkJoin.Run never returned");
        Assert.That(body.Ran, Does.Contain(caller), "the caller ran no task of the round");
        Assert.That(body.Threads[0], Is.Not.EqualTo(body.Threads[1]), "the round ran on one thread");
    }

    // A caller thread's helpers end soon after the caller has ended, not after idling for
    // HelperIdleMs: a stress run of 3000 short-lived caller threads, each doing one parallel
    // GEMM on an 8-thread backend, kept 3000-4400 helper threads alive (each waiting out its
    // 2 s after its caller was gone) and ran 9x slower than thread-pool helpers had.
    [Test]
    public void HelpersEndSoonAfterTheirCallerThreadHasEnded()
    {
        using (new HelperSettings(idleMs: 60_000, roundsBeforeOwnHelpers: 0))
        {
            var body = new Meet();
            var caller = new Thread(() => ForkJoin.Run(body, 2, 2)) { IsBackground = true };
            caller.Start();
            Assert.That(caller.Join(TimeSpan.FromSeconds(60)), Is.True, "ForkJoin.Run never returned");
            var helper = body.Ran.Single(t => t != caller);
            Assert.That(helper, Is.Not.Null, "no helper ran a task");
            Assert.That(helper!.Join(TimeSpan.FromSeconds(5)), Is.True,
                "the helper still waits for rounds of a caller thread that has ended");
        }
    }

    // A caller's first rounds borrow thread-pool workers: a thread that runs a few parallel rounds
    // and ends starts no helper threads (found by a stress run: 3000 short-lived callers, 8 at a
    // time, took 0.50 ms each with pool workers and 2.82 ms with threads of their own). Once it has
    // run RoundsBeforeOwnHelpers rounds, its helpers are its own.
    [Test]
    public void AFewRoundsBorrowPoolWorkersAndLaterRoundsStartOwnHelpers()
    {
        using (new HelperSettings(ForkJoin.HelperIdleMs, roundsBeforeOwnHelpers: 3))
        {
            var meets = Enumerable.Range(0, 4).Select(_ => new Meet()).ToArray();
            var helpers = new int[4];
            var caller = new Thread(() =>
            {
                for (int r = 0; r < meets.Length; r++)
                {
                    ForkJoin.Run(meets[r], 2, 2);
                    helpers[r] = ForkJoin.HelperThreadsOfThisThread;
                }
            }) { IsBackground = true };
            caller.Start();

            Assert.That(caller.Join(TimeSpan.FromSeconds(60)), Is.True, "ForkJoin.Run never returned");
            foreach (var m in meets)
            {
                Assert.That(m.Threads[0], Is.Not.EqualTo(m.Threads[1]), "a round ran on one thread");
            }

            Assert.That(helpers, Is.EqualTo(new[] { 0, 0, 0, 1 }));
        }
    }

    // The task a helper runs takes 300 ms; the one the caller runs returns once the helper's has
    // started, so the caller then waits for it. By thread, not task number: under load a helper
    // can claim task 0 before the caller does, and the caller's sleep would then take the
    // interrupt meant for its wait (seen once in a full test run).
    private sealed class SlowSecondTask : IForkJoinBody
    {
        public volatile bool SecondStarted, SecondDone;
        public Thread? Caller;

        public void Run(int task)
        {
            if (Thread.CurrentThread != Caller)
            {
                SecondStarted = true;
                Thread.Sleep(300);
                SecondDone = true;
                return;
            }

            // Yield, not Sleep: a caller slowed by the load must not take the interrupt in here.
            var clock = Stopwatch.StartNew();
            while (!SecondStarted && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Yield();
            }
        }
    }

    // Thread.Interrupt on a caller waiting for a helper's task threw ThreadInterruptedException
    // out of Run while the task still ran (found by a stress run, 10 times in 10): a GEMM would
    // then hand back buffers a helper was still writing. Run now returns when the round is over
    // and the interrupt is raised again after it.
    [Test]
    public void AnInterruptWhileWaitingForAHelperWaitsForTheRoundAndIsRaisedAfterIt()
    {
        var body = new SlowSecondTask();
        Exception? thrown = null;
        bool doneWhenReturned = false, interruptedAfter = false;
        var caller = new Thread(() =>
        {
            try
            {
                body.Caller = Thread.CurrentThread;
                ForkJoin.Run(body, 2, 2);
                doneWhenReturned = body.SecondDone;
            }
            catch (Exception e)
            {
                thrown = e;
                return;
            }

            try
            {
                Thread.Sleep(1);
            }
            catch (ThreadInterruptedException)
            {
                interruptedAfter = true;
            }
        }) { IsBackground = true };
        caller.Start();
        var clock = Stopwatch.StartNew();
        while (!body.SecondStarted && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(1);
        }

        Thread.Sleep(50);
        caller.Interrupt();

        Assert.That(caller.Join(TimeSpan.FromSeconds(60)), Is.True, "ForkJoin.Run never returned");
        Assert.That(body.SecondStarted, Is.True, "no helper took the second task");
        Assert.That(thrown, Is.Null);
        Assert.That(doneWhenReturned, Is.True, "Run returned while a helper still ran a task");
        Assert.That(interruptedAfter, Is.True, "the interrupt was lost");
    }

    // Each outer task forks an inner round of 4 tasks, as a parallel kernel called from inside a
    // parallel region does (the ConvLSTM sequence's gate split around a parallel gate kernel).
    private sealed class Nested : IForkJoinBody
    {
        public readonly int[] InnerDone = new int[4 * 4];
        private readonly Inner[] inner = Enumerable.Range(0, 4).Select(i => new Inner(i)).ToArray();

        public Nested() => Array.ForEach(inner, i => i.Owner = this);

        public void Run(int task) => ForkJoin.Run(inner[task], 4, 2);

        private sealed class Inner(int outer) : IForkJoinBody
        {
            public Nested Owner = null!;

            public void Run(int task)
            {
                Thread.SpinWait(100);
                Interlocked.Increment(ref Owner.InnerDone[outer * 4 + task]);
            }
        }
    }

    // Before the fix a round started from a task on the caller's thread took over the outer
    // round's instance, and the outer round never ended.
    [Test]
    public void ARoundStartedFromInsideATaskRunsAndTheOuterRoundEnds()
    {
        var body = new Nested();
        var caller = new Thread(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                ForkJoin.Run(body, 4, 2);
            }
        }) { IsBackground = true };
        caller.Start();

        Assert.That(caller.Join(TimeSpan.FromSeconds(60)), Is.True, "ForkJoin.Run never returned");
        Assert.That(body.InnerDone, Is.All.EqualTo(200), "every inner task ran once a round");
    }
}
