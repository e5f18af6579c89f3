package dev.hygiene.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;

/**
 * The task counters of one {@link Stats} kept by one thread. Only that thread writes them, so a
 * count is a plain add published with a release store, not an atomic read-modify-write: a closing
 * scope pays no {@code lock}-prefixed instruction for its counting. Readers, on any thread, sum every
 * thread's tally with acquire loads ({@link Stats}).
 *
 * <p>A tally is retired when its thread stops using it (its {@link Worker} evicted it) and is
 * finished when its thread has ended; {@link Stats} then folds its counts into its own and drops it,
 * so that the tallies of a pool that replaces its threads do not pile up.
 */
final class Tally {

    /** Element access to {@link #counts}, for release stores and acquire loads. */
    private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);

    /**
     * The counters sit in the middle of {@link #counts}, with a cache line of padding on either side:
     * the garbage collector copies the tallies of one stats one after the other, and two threads'
     * counters in one cache line would make every count a cache miss on the other thread.
     */
    private static final int PAD = 8;
    /** Which counter {@link #get} reads. */
    static final int TASKS = PAD;
    static final int TASKS_WITH_LEFTOVERS = PAD + 1;
    static final int LEFTOVERS = PAD + 2;
    static final int STALE_EXPUNGED = PAD + 3;

    /** The stats this tally counts for. */
    final Stats stats;
    /** The one thread that writes this tally; weak, so that the stats do not keep ended threads. */
    private final WeakReference<Thread> owner;

    private final long[] counts = new long[STALE_EXPUNGED + 1 + PAD];
    /** Set by the owner after its last write; it never writes again. */
    private volatile boolean retired;

    Tally(Stats stats, Thread owner) {
        this.stats = stats;
        this.owner = new WeakReference<>(owner);
    }

    /** Counts one closed task; on the owner thread only. */
    void taskClosed(int leftoverCount, int stale) {
        long[] counts = this.counts;
        COUNT.setRelease(counts, TASKS, counts[TASKS] + 1);
        if (leftoverCount > 0) {
            COUNT.setRelease(counts, TASKS_WITH_LEFTOVERS, counts[TASKS_WITH_LEFTOVERS] + 1);
            COUNT.setRelease(counts, LEFTOVERS, counts[LEFTOVERS] + leftoverCount);
        }
        if (stale > 0) {
            COUNT.setRelease(counts, STALE_EXPUNGED, counts[STALE_EXPUNGED] + stale);
        }
    }

    /** The owner will not write again; on the owner thread only. */
    void retire() {
        retired = true;
    }

    /**
     * Whether no thread will write this tally again: retired, or its thread has ended. A thread seen
     * ended by {@link Thread#isAlive()} has all its writes visible to the caller.
     */
    boolean finished() {
        if (retired) {
            return true;
        }
        Thread thread = owner.get();
        return thread == null || !thread.isAlive();
    }

    /** The counter {@code counter} ({@link #TASKS} and the constants after it), from any thread. */
    long get(int counter) {
        return (long) COUNT.getAcquire(counts, counter);
    }
}
