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

    private static final VarHandle TASKS;
    private static final VarHandle TASKS_WITH_LEFTOVERS;
    private static final VarHandle LEFTOVERS;
    private static final VarHandle STALE_EXPUNGED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TASKS = lookup.findVarHandle(Tally.class, "tasks", long.class);
            TASKS_WITH_LEFTOVERS = lookup.findVarHandle(Tally.class, "tasksWithLeftovers", long.class);
            LEFTOVERS = lookup.findVarHandle(Tally.class, "leftovers", long.class);
            STALE_EXPUNGED = lookup.findVarHandle(Tally.class, "staleExpunged", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The stats this tally counts for. */
    final Stats stats;
    /** The one thread that writes this tally; weak, so that the stats do not keep ended threads. */
    private final WeakReference<Thread> owner;

    private long tasks;
    private long tasksWithLeftovers;
    private long leftovers;
    private long staleExpunged;
    /** Set by the owner after its last write; it never writes again. */
    private volatile boolean retired;

    Tally(Stats stats, Thread owner) {
        this.stats = stats;
        this.owner = new WeakReference<>(owner);
    }

    /** Counts one closed task; on the owner thread only. */
    void taskClosed(int leftoverCount, int stale) {
        TASKS.setRelease(this, tasks + 1);
        if (leftoverCount > 0) {
            TASKS_WITH_LEFTOVERS.setRelease(this, tasksWithLeftovers + 1);
            LEFTOVERS.setRelease(this, leftovers + leftoverCount);
        }
        if (stale > 0) {
            STALE_EXPUNGED.setRelease(this, staleExpunged + stale);
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

    long tasks() {
        return (long) TASKS.getAcquire(this);
    }

    long tasksWithLeftovers() {
        return (long) TASKS_WITH_LEFTOVERS.getAcquire(this);
    }

    long leftovers() {
        return (long) LEFTOVERS.getAcquire(this);
    }

    long staleExpunged() {
        return (long) STALE_EXPUNGED.getAcquire(this);
    }
}
