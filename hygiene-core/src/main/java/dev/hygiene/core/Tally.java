package dev.hygiene.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

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
    /** The counts not yet added to {@link #typeRow} and {@link #taskRow}. */
    private static final int TYPE_PENDING = PAD + 4;
    private static final int TASK_PENDING = PAD + 5;

    /** The stats this tally counts for. */
    final Stats stats;
    /** The one thread that writes this tally; weak, so that the stats do not keep ended threads. */
    private final WeakReference<Thread> owner;

    private final long[] counts = new long[TASK_PENDING + 1 + PAD];

    /**
     * The per-type row and the per-task row of the stats that this thread counted last, with their
     * counts kept here ({@link #TYPE_PENDING}, {@link #TASK_PENDING}) until the thread counts into
     * another row or ends: a pool whose tasks leave the same leftover again and again adds to its
     * rows with plain stores, not with a {@code LongAdder}'s atomic one. Readers add what is
     * pending to the row ({@link #addPending}); while the owner moves to another row, a reader may
     * count its pending leftovers twice for a moment, never lose them.
     */
    private volatile LongAdder typeRow;
    private volatile LongAdder taskRow;
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

    /** Counts {@code n} leftovers into the per-type {@code row}; on the owner thread only. */
    void addToTypeRow(LongAdder row, int n) {
        long[] counts = this.counts;
        LongAdder current = typeRow;
        if (row == current) {
            COUNT.setRelease(counts, TYPE_PENDING, counts[TYPE_PENDING] + n);
            return;
        }
        // Hand the pending count to its row before a reader can take it for the next row's.
        if (current != null) {
            current.add(counts[TYPE_PENDING]);
        }
        COUNT.setRelease(counts, TYPE_PENDING, 0L);
        typeRow = row;
        COUNT.setRelease(counts, TYPE_PENDING, (long) n);
    }

    /** Counts {@code n} leftovers into the per-task {@code row}; on the owner thread only. */
    void addToTaskRow(LongAdder row, int n) {
        long[] counts = this.counts;
        LongAdder current = taskRow;
        if (row == current) {
            COUNT.setRelease(counts, TASK_PENDING, counts[TASK_PENDING] + n);
            return;
        }
        if (current != null) {
            current.add(counts[TASK_PENDING]);
        }
        COUNT.setRelease(counts, TASK_PENDING, 0L);
        taskRow = row;
        COUNT.setRelease(counts, TASK_PENDING, (long) n);
    }

    /** Adds the pending counts to {@code pending}, by row; from any thread. */
    void addPending(Map<LongAdder, Long> pending) {
        addPending(pending, TYPE_PENDING);
        addPending(pending, TASK_PENDING);
    }

    /**
     * Reads one row and its pending count as one pair: a count read between two reads of the same
     * row belongs to that row, since the owner stores a new row before the new row's count.
     */
    private void addPending(Map<LongAdder, Long> pending, int counter) {
        while (true) {
            LongAdder row = counter == TYPE_PENDING ? typeRow : taskRow;
            long count = (long) COUNT.getAcquire(counts, counter);
            LongAdder again = counter == TYPE_PENDING ? typeRow : taskRow;
            if (row == again) {
                if (row != null && count != 0) {
                    pending.merge(row, count, Long::sum);
                }
                return;
            }
        }
    }

    /** Adds the pending counts to their rows, once no thread writes this tally any more. */
    void foldRows() {
        LongAdder type = typeRow;
        if (type != null) {
            type.add(get(TYPE_PENDING));
        }
        LongAdder task = taskRow;
        if (task != null) {
            task.add(get(TASK_PENDING));
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
