using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Rnn.Core.Cpu;

/// <summary>Work split into numbered tasks for <see cref="ForkJoin"/>.</summary>
internal interface IForkJoinBody
{
    /// <summary>Runs task <paramref name="task"/> of the round; tasks of one round may run at once.</summary>
    void Run(int task);
}

/// <summary>
/// A fork/join that allocates nothing per call, for the kernels a recurrent loop calls at every
/// time step (Parallel.For allocates its task and range objects each time, a few kilobytes a
/// step). Each calling thread owns one instance; its first rounds borrow thread-pool workers as
/// helpers, later ones wake helper threads of its own. A round publishes its body and task
/// count, gets the helpers that are not already spinning for it going, takes tasks on the
/// calling thread too, and waits until every task has finished. Tasks are claimed by a
/// compare-and-swap on (round, next task), so a helper that starts after its round ended claims
/// nothing from the next one by mistake; it can only join the round that is current. The caller
/// never waits for a helper that has not started: it runs every unclaimed task itself.
/// </summary>
/// <remarks>
/// The helpers were only .NET thread-pool work items until 2026-12-06: each round that found no
/// helper lingering queued one, and on a 2-core VM the pool's own idle workers, spinning for work
/// after it, took turns with the two threads doing the product (three workers shared the helper's
/// CPU time in one sgemm-1024 loop); a batch-1 LSTM of 200 steps ran 1.4-4.3% faster with helper
/// threads of its own, in one process alternating the two. Own threads for every caller made a
/// thread that runs one product and ends pay for starting them, hence the pool for the first
/// <see cref="RoundsBeforeOwnHelpers"/> rounds.
/// The end of a round is the count of unfinished tasks reaching zero, never a signal alone: the
/// helper that finishes a round may still be about to wake the caller when the caller, having
/// seen the count at zero, has already started its next round. So the wake-up is a pulse under
/// a lock and the caller re-checks the count after every wake-up; a late pulse from an earlier
/// round only makes it look again. A round also closes the last one before it sets its task
/// count, or a helper still looping in the last round could read the old (round, next task)
/// with the new, larger count and claim a task that does not exist. (An earlier version had
/// both faults: a late reset-event signal, or a phantom task's extra count, could end a round's
/// wait while a helper still ran one of its tasks.)
/// </remarks>
internal sealed class ForkJoin : IThreadPoolWorkItem
{
    [ThreadStatic]
    private static ForkJoin? perThread;

    [ThreadStatic]
    private static int inTask;   // > 0 while this thread runs a task of some round

    private readonly object gate = new();
    private long state;   // (round << 32) | index of the next unclaimed task
    private int count;
    private int remaining;
    private IForkJoinBody? body;
    private Exception? failure;
    private int lingering;   // helpers spinning for this instance's next round

    // The task index of a round being set up: beyond any task count, so nothing is claimable.
    private const int Closed = int.MaxValue;

    // How long a helper stays after its round, waiting for the next one of the same caller:
    // a recurrent loop starts its next round within microseconds, and waking a sleeping helper
    // took about 3 us (2.8 us of every 7.8 us round of two 5-us tasks here).
    private static readonly long LingerTicks = Stopwatch.Frequency / 20_000;   // 50 us

    /// <summary>
    /// Milliseconds a helper waits for a round before it ends (the next round that wants it starts
    /// another); tests shorten it.
    /// </summary>
    internal static int HelperIdleMs { get; set; } = 2000;

    /// <summary>
    /// Rounds a calling thread runs with thread-pool work items as helpers before it starts
    /// helper threads of its own; tests set it to 0 or to int.MaxValue.
    /// </summary>
    internal static int RoundsBeforeOwnHelpers { get; set; } = 16;

    // Rounds this instance has run, up to RoundsBeforeOwnHelpers.
    private int rounds;

    /// <summary>Helper threads alive for the calling thread's rounds.</summary>
    internal static int HelperThreadsOfThisThread => perThread is { } f ? Volatile.Read(ref f.helperThreads) : 0;

    // The thread whose rounds this instance runs; its helpers end soon after it has ended.
    private readonly Thread owner = Thread.CurrentThread;

    // How often an idle helper looks whether its owner thread has ended.
    private const int OwnerCheckMs = 100;

    private readonly object threadsGate = new();
    private readonly SemaphoreSlim wake = new(0);   // one release a helper a round
    private int helperThreads;                      // alive, under threadsGate

    /// <summary>Runs tasks [0, tasks) of body on up to <paramref name="threads"/> threads.</summary>
    /// <remarks>Returns when every task has finished; the first exception a task threw is rethrown.</remarks>
    public static void Run(IForkJoinBody body, int tasks, int threads)
    {
        // A task that forks again (a parallel kernel called from a parallel region) runs its
        // tasks itself: on the caller's thread a nested round would take over the instance
        // whose round is still running, and every thread is busy with the outer round anyway.
        if (tasks <= 1 || threads <= 1 || inTask > 0)
        {
            for (int i = 0; i < tasks; i++)
            {
                body.Run(i);
            }

            return;
        }

        (perThread ??= new ForkJoin()).RunRound(body, tasks, Math.Min(threads, tasks) - 1);
    }

    // A thread-pool worker lent for one of the caller's first rounds: it works on it and lingers
    // for the next, as a helper thread does, then goes back to the pool.
    void IThreadPoolWorkItem.Execute()
    {
        long round = Volatile.Read(ref state) >> 32;
        Work(round);
        Linger(round);
    }

    // A helper's life: woken for a round, it works on it, lingers for the next, then sleeps
    // again. A wake-up may find its round over (the caller ran every task itself); it then
    // only lingers. It ends after HelperIdleMs without a wake-up (or within OwnerCheckMs of its
    // owner thread's end), unless one came just then:
    // WakeHelpers releases under the same lock, so a release is never left to a helper that has
    // ended, and the next round starts a new helper.
    private void HelperLoop()
    {
        while (true)
        {
            if (!WaitForWake())
            {
                lock (threadsGate)
                {
                    if (wake.CurrentCount == 0)
                    {
                        helperThreads--;
                        return;
                    }
                }

                continue;
            }

            long round = Volatile.Read(ref state) >> 32;
            Work(round);
            Linger(round);
        }
    }

    // Waits up to HelperIdleMs for a wake-up, giving up early once the owner thread has ended:
    // the instance is that thread's alone, so no round can come for it again. (Found 2026-12-06
    // by a stress run: 3000 short-lived caller threads, 8 at a time, each doing one parallel
    // GEMM on an 8-thread backend, kept 3000-4400 helper threads alive, each idling its full
    // 2 s after its caller had gone, and ran 9x slower than with thread-pool helpers.)
    private bool WaitForWake()
    {
        long until = Environment.TickCount64 + HelperIdleMs;
        while (true)
        {
            long left = until - Environment.TickCount64;
            if (wake.Wait((int)Math.Clamp(left, 0, OwnerCheckMs)))
            {
                return true;
            }

            if (left <= OwnerCheckMs || !owner.IsAlive)
            {
                return false;
            }
        }
    }

    // Wakes `wanted` helpers for the current round, starting helper threads until there are
    // `helpers` of them.
    private void WakeHelpers(int helpers, int wanted)
    {
        lock (threadsGate)
        {
            for (; helperThreads < helpers; helperThreads++)
            {
                new Thread(HelperLoop) { IsBackground = true, Name = "Rnn.Core fork/join" }.UnsafeStart();
            }

            wake.Release(wanted);
        }
    }

    // After a round, spin a little for the caller's next one and join it without a wake-up;
    // the caller counts lingering helpers and wakes only the rest. A
    // helper that gives up re-checks after leaving the count, and the caller reads the count
    // after publishing (both through full fences), so at least one of them sees the other: a
    // new round is either joined here or wakes a helper.
    private void Linger(long round)
    {
        Interlocked.Increment(ref lingering);
        long until = Stopwatch.GetTimestamp() + LingerTicks;
        while (true)
        {
            long s = Volatile.Read(ref state);
            if (IsNewOpenRound(s, round))
            {
                round = s >> 32;
                Interlocked.Decrement(ref lingering);
                Work(round);
                Interlocked.Increment(ref lingering);
                until = Stopwatch.GetTimestamp() + LingerTicks;
                continue;
            }

            if (Stopwatch.GetTimestamp() > until)
            {
                break;
            }

            Thread.SpinWait(8);   // a few pause instructions; no yield, the wait is short
        }

        Interlocked.Decrement(ref lingering);
        long last = Volatile.Read(ref state);
        if (IsNewOpenRound(last, round))
        {
            Work(last >> 32);
        }
    }

    // True when state s is a round after `round` whose tasks are published (not still closed).
    private static bool IsNewOpenRound(long s, long round) => s >> 32 != round && (int)s != Closed;

    private void RunRound(IForkJoinBody work, int tasks, int helpers)
    {
        // The new round number goes out first, with no task claimable, so a helper still
        // looping in the last round cannot pair that round's state with the new count. It wraps
        // as a 32-bit number, as state >> 32 reads it back: past int.MaxValue rounds the caller's
        // own number (2^31) matched no state, and it claimed none of that round's tasks.
        long round = unchecked((int)((Volatile.Read(ref state) >> 32) + 1));
        Volatile.Write(ref state, (round << 32) | Closed);
        body = work;
        count = tasks;
        remaining = tasks;
        failure = null;
        Volatile.Write(ref state, round << 32);   // publishes body and count to the claims below
        Interlocked.MemoryBarrier();
        // A caller's first rounds borrow thread-pool workers: a thread that does one parallel
        // product and ends would otherwise pay for starting helper threads of its own (3000 such
        // callers, 8 at a time: 0.50 ms each with pool workers, 2.82 ms with own threads).
        bool own = rounds >= RoundsBeforeOwnHelpers;
        if (!own)
        {
            rounds++;
        }

        int wanted = helpers - Volatile.Read(ref lingering);
        if (wanted > 0 && own)
        {
            WakeHelpers(helpers, wanted);
        }
        else if (wanted > 0)
        {
            for (int h = 0; h < wanted; h++)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }

        Work(round);
        if (Volatile.Read(ref remaining) != 0)
        {
            // The helpers' last tasks usually end within microseconds: spin as long as a helper
            // lingers before sleeping, since a sleep and its wake-up cost more (4 tasks of 5 us
            // on 2 threads: 17 us a round when the caller slept after a short spin).
            long until = Stopwatch.GetTimestamp() + LingerTicks;
            while (Volatile.Read(ref remaining) != 0 && Stopwatch.GetTimestamp() < until)
            {
                Thread.SpinWait(8);
            }

            // Not interruptible: Thread.Interrupt on the caller threw out of the wait while a
            // helper still ran a task, whose product would then write into buffers the caller had
            // handed back. The interrupt is raised again once the round is over.
            bool interrupted = false;
            while (true)
            {
                try
                {
                    lock (gate)
                    {
                        while (Volatile.Read(ref remaining) != 0)
                        {
                            Monitor.Wait(gate);
                        }
                    }

                    break;
                }
                catch (ThreadInterruptedException)
                {
                    interrupted = true;
                }
            }

            if (interrupted)
            {
                Thread.CurrentThread.Interrupt();
            }
        }

        body = null;
        if (failure is { } e)
        {
            ExceptionDispatchInfo.Throw(e);
        }
    }

    private void Work(long round)
    {
        while (true)
        {
            long s = Volatile.Read(ref state);
            int task = (int)(s & 0xFFFFFFFF);
            if (s >> 32 != round || task >= Volatile.Read(ref count))
            {
                return;
            }

            if (Interlocked.CompareExchange(ref state, s + 1, s) != s)
            {
                continue;
            }

            inTask++;
            try
            {
                body!.Run(task);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
            finally
            {
                inTask--;
            }

            if (Interlocked.Decrement(ref remaining) == 0)
            {
                lock (gate)
                {
                    Monitor.PulseAll(gate);
                }
            }
        }
    }
}
