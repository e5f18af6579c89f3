package dev.hygiene.benchmarks;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.TaskScope;
import dev.hygiene.core.ThreadHygiene;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one scope on a reused thread: {@code ThreadHygiene.enter(task)} followed by
 * {@code TaskScope.close()}, run on the benchmark thread itself, with {@link PooledThread#entries}
 * live entries of ours in that thread's {@code ThreadLocalMap} before the scope opens.
 *
 * <ul>
 * <li>{@link #untouched}: the task touches nothing, so close only compares the map with the
 *     snapshot. This is the fast path that almost every task of a healthy pool takes.
 * <li>{@link #untouchedAudit}: the same in AUDIT mode, which compares the same way.
 * <li>{@link #untouchedLocalsOnly}: the same under a policy that covers only the
 *     {@code ThreadLocal} map ({@code inheritable(false)}, {@code restoreThreadState(false)}).
 *     Against {@link #untouched}, what the default policy's checks of the inheritable map and
 *     of the thread's name, priority, context class loader and handler cost per task.
 * <li>{@link #off}: the same in OFF mode, the kill switch: no snapshot at all. The floor of the
 *     harness and the call, to subtract from the others.
 * <li>{@link #modified}: the task adds 4 entries and overwrites 2 existing ones; close puts the map
 *     back (the in-place restore) and counts 6 leftovers.
 * <li>{@link #modifiedAudit}: AUDIT, where leftovers stay, with a task that leaves 6 every cycle:
 *     odd cycles make the 4 additions and 2 overwrites of {@link #modified}, even cycles undo them
 *     (4 removals, 2 overwrites back), each counted against the snapshot its cycle took. Nothing
 *     changes the map between scopes, as on a pool's worker. Compare with {@link #modified}: AUDIT
 *     must cost no more than ENFORCE (issue 4).
 * <li>{@link #touchOrUndo}: the peer of {@link #modifiedAudit}: the same alternating task without
 *     hygiene. Its even cycles' {@code remove()}s are work that {@link #modified}'s task never does,
 *     so AUDIT's own cost is {@code modifiedAudit - touchOrUndo}, to set beside ENFORCE's.
 * <li>{@link #handWrittenRemove}: the peer of {@link #modified}. The same 4 adds and 2 overwrites,
 *     without hygiene, undone by hand in {@code finally}: {@code remove()} of the 4 added and
 *     {@code set} of the 2 old values. This is what a careful developer writes, and what hygiene has
 *     to beat to be worth its keep (DESIGN.md, "Performance budget").
 * </ul>
 *
 * <p>With {@code entries=0} there is nothing to overwrite: {@link #modified} and
 * {@link #handWrittenRemove} then only add their 4 entries, so the pair stays comparable. With
 * {@code entries=8} the first cycle of either pushes the map past the JDK's 2/3 load factor and its
 * table grows from 16 to 32 slots; warmup absorbs that, and both then run on the same 32 slots.
 *
 * <p>No {@code Blackhole} is needed: every case reads and writes the thread's map, which stays
 * reachable from the thread, so the JIT cannot drop any of it. Run with {@code -prof gc} to see the
 * allocation per cycle; {@link #untouched} must allocate nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class SnapshotCycleBenchmark {

    /**
     * The benchmark thread and the thread-locals it holds. Thread-scoped, so JMH runs the setup on
     * the thread that runs the benchmark method: the entries land in that thread's map, which is the
     * map every cycle snapshots. The teardown, on the same thread, checks that this held and that
     * every cycle left the map as it found it.
     */
    @State(Scope.Thread)
    public static class PooledThread {

        /**
         * Live entries of ours in the map before each cycle. Hygiene's own entry ({@code Worker.STATE})
         * comes on top of these, in every case alike; JMH keeps none in its worker's map. So the
         * table has 16 slots at 0 and 8 entries, 64 at 32 and 512 at 256, and a cycle's cost follows
         * the slots.
         */
        @Param({"0", "8", "32", "256"})
        int entries;

        ThreadHygiene enforcing;
        ThreadHygiene auditing;
        ThreadHygiene off;
        ThreadHygiene localsOnly;
        /** The task handed to {@code enter}; only its class is used, to attribute leftovers. */
        final Runnable task = new NoOpTask();

        /** Set in setup, so part of every snapshot. */
        ThreadLocal<Object>[] existing;
        Object[] existingValues;
        /** Whether the task overwrites existing[0] and existing[1]: false only with no entries. */
        boolean overwrite;
        /** The values the task writes over existing[0] and existing[1]. */
        Object[] replacements;

        /** Never in the map before a cycle: each cycle adds them and must leave them removed. */
        ThreadLocal<Object>[] added;
        Object[] addedValues;

        Thread thread;

        @Setup(Level.Trial)
        public void setUp() {
            thread = Thread.currentThread();
            enforcing = ThreadHygiene.enforcing();
            auditing = ThreadHygiene.auditing();
            off = ThreadHygiene.of(HygienePolicy.builder().mode(dev.hygiene.core.Mode.OFF).build());
            localsOnly = ThreadHygiene.of(HygienePolicy.builder().name("locals-only")
                    .inheritable(false).restoreThreadState(false).build());

            existing = newLocals(entries);
            existingValues = newValues("existing", entries);
            for (int i = 0; i < entries; i++) {
                existing[i].set(existingValues[i]);
            }
            overwrite = entries >= 2;
            replacements = newValues("replacement", 2);
            added = newLocals(4);
            addedValues = newValues("added", 4);

            // Hygiene puts its own entry in the map on a thread's first scope. Do that now, so that
            // every case, the hand-written peer included, starts from the same map.
            enforcing.enter(task).close();
        }

        /** The work of the task in {@link #modified} and {@link #handWrittenRemove}. */
        void touch() {
            ThreadLocal<Object>[] added = this.added;
            Object[] addedValues = this.addedValues;
            for (int i = 0; i < added.length; i++) {
                added[i].set(addedValues[i]);
            }
            if (overwrite) {
                existing[0].set(replacements[0]);
                existing[1].set(replacements[1]);
            }
        }

        /** Whether the last {@link #touchOrUndo} touched, so the next one undoes. */
        boolean touched;

        /** Alternately {@link #touch} and {@link #undo}: under AUDIT each leaves 6 leftovers. */
        void touchOrUndo() {
            if (touched) {
                undo(existingValues.length > 0 ? existingValues[0] : null,
                        existingValues.length > 1 ? existingValues[1] : null);
            } else {
                touch();
            }
            touched = !touched;
        }

        /** What a careful task writes in {@code finally}: remove what it added, put back what it replaced. */
        void undo(Object old0, Object old1) {
            ThreadLocal<Object>[] added = this.added;
            for (int i = 0; i < added.length; i++) {
                added[i].remove();
            }
            if (overwrite) {
                existing[0].set(old0);
                existing[1].set(old1);
            }
        }

        @TearDown(Level.Trial)
        public void check() {
            if (Thread.currentThread() != thread) {
                throw new IllegalStateException("setup ran on " + thread + ", teardown on "
                        + Thread.currentThread() + ": the entries were not on the benchmark thread");
            }
            if (touched) {
                // modifiedAudit ended on a touch, which AUDIT left in place.
                touchOrUndo();
            }
            for (int i = 0; i < entries; i++) {
                if (existing[i].get() != existingValues[i]) {
                    throw new IllegalStateException("existing entry " + i + " lost its value");
                }
            }
            // get() of an absent entry adds one with a null value; harmless, the trial is over.
            for (int i = 0; i < added.length; i++) {
                if (added[i].get() != null) {
                    throw new IllegalStateException("added entry " + i + " survived its cycle");
                }
            }
        }

        @SuppressWarnings("unchecked")
        private static ThreadLocal<Object>[] newLocals(int count) {
            ThreadLocal<Object>[] locals = (ThreadLocal<Object>[]) new ThreadLocal<?>[count];
            for (int i = 0; i < count; i++) {
                locals[i] = new ThreadLocal<>();
            }
            return locals;
        }

        private static Object[] newValues(String prefix, int count) {
            Object[] values = new Object[count];
            for (int i = 0; i < count; i++) {
                values[i] = prefix + i;
            }
            return values;
        }
    }

    /** A task that does nothing; it gives leftovers a readable task type. */
    static final class NoOpTask implements Runnable {
        @Override
        public void run() {
        }
    }

    @Benchmark
    public void untouched(PooledThread w) {
        w.enforcing.enter(w.task).close();
    }

    @Benchmark
    public void untouchedAudit(PooledThread w) {
        w.auditing.enter(w.task).close();
    }

    @Benchmark
    public void untouchedLocalsOnly(PooledThread w) {
        w.localsOnly.enter(w.task).close();
    }

    @Benchmark
    public void off(PooledThread w) {
        w.off.enter(w.task).close();
    }

    @Benchmark
    public void modified(PooledThread w) {
        try (TaskScope scope = w.enforcing.enter(w.task)) {
            w.touch();
        }
    }

    @Benchmark
    public void modifiedAudit(PooledThread w) {
        try (TaskScope scope = w.auditing.enter(w.task)) {
            w.touchOrUndo();
        }
    }

    @Benchmark
    public void touchOrUndo(PooledThread w) {
        w.touchOrUndo();
    }

    @Benchmark
    public void handWrittenRemove(PooledThread w) {
        // Save what the task will overwrite, as a hand-written cleanup must.
        boolean overwrite = w.overwrite;
        ThreadLocal<Object>[] existing = w.existing;
        Object old0 = overwrite ? existing[0].get() : null;
        Object old1 = overwrite ? existing[1].get() : null;
        try {
            w.touch();
        } finally {
            w.undo(old0, old1);
        }
    }
}
