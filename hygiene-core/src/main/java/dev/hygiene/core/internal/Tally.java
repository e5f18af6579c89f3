package dev.hygiene.core.internal;

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

    /** The stats this tally counts for. */
    final Stats stats;
    /** The one thread that writes this tally; weak, so that the stats do not keep ended threads. */
    private final WeakReference<Thread> owner;

    private final long[] counts = new long[PAD + 6 + PAD];   // the counters above, then the two pending counts

    /** Which row {@link #rows} holds, and where its pending count is in {@link #counts}. */
    static final int TYPE_ROW = 0;
    static final int TASK_ROW = 1;
    private static final int PENDING = PAD + 4;

    /** Element access to {@link #rows}, for release stores and acquire loads. */
    private static final VarHandle ROW = MethodHandles.arrayElementVarHandle(LongAdder[].class);

    /**
     * The per-type row ({@link #TYPE_ROW}) and the per-task row ({@link #TASK_ROW}) of the stats that
     * this thread counted last, with their counts kept here ({@code counts[PENDING + which]}) until
     * the thread counts into another row or ends: a pool whose tasks leave the same leftover again
     * and again adds to its rows with plain stores, not with a {@code LongAdder}'s atomic one.
     * Readers add what is pending to the row ({@link #addPending}); while the owner moves to another
     * row, a reader may count its pending leftovers twice for a moment, never lose them.
     */
    private final LongAdder[] rows = new LongAdder[2];

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

    /** Counts {@code n} leftovers into {@code row}, which is a {@code which} row; on the owner thread only. */
    void addToRow(int which, LongAdder row, int n) {
        long[] counts = this.counts;
        int pending = PENDING + which;
        LongAdder current = rows[which];
        if (row == current) {
            COUNT.setRelease(counts, pending, counts[pending] + n);
            return;
        }
        // Hand the pending count to its row before a reader can take it for the next row's.
        if (current != null) {
            current.add(counts[pending]);
        }
        COUNT.setRelease(counts, pending, 0L);
        ROW.setRelease(rows, which, row);
        COUNT.setRelease(counts, pending, (long) n);
    }

    /** Adds the pending counts to {@code pending}, by row; from any thread. */
    void addPending(Map<LongAdder, Long> pending) {
        addPending(pending, TYPE_ROW);
        addPending(pending, TASK_ROW);
    }

    /**
     * Reads one row and its pending count as one pair: a count read between two reads of the same
     * row belongs to that row, since the owner stores a new row before the new row's count.
     */
    private void addPending(Map<LongAdder, Long> pending, int which) {
        while (true) {
            LongAdder row = (LongAdder) ROW.getAcquire(rows, which);
            long count = (long) COUNT.getAcquire(counts, PENDING + which);
            if (row == (LongAdder) ROW.getAcquire(rows, which)) {
                if (row != null && count != 0) {
                    pending.merge(row, count, Long::sum);
                }
                return;
            }
        }
    }

    /** Adds the pending counts to their rows, once no thread writes this tally any more. */
    void foldRows() {
        for (int which = TYPE_ROW; which <= TASK_ROW; which++) {
            LongAdder row = rows[which];
            if (row != null) {
                row.add(get(PENDING + which));
            }
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
