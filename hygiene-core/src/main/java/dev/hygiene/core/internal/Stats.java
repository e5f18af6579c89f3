package dev.hygiene.core.internal;

import dev.hygiene.core.HygieneStats;
import dev.hygiene.core.Leftover;
import dev.hygiene.core.Mode;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one {@link dev.hygiene.core.ThreadHygiene}. The task counters are kept per thread, in a
 * {@link Tally} that only its thread writes, so that closing a scope counts without an atomic
 * instruction; a total is this object's own count (of thread creations, of each thread's first
 * scopes, see {@link Worker#tally}, and of the tallies of ended threads, folded in) plus every live
 * tally. Rows are {@link LongAdder}s, which do not allocate once their cells exist; a per-type row
 * is created the first time its pair of classes is seen. A thread with a tally keeps the count of
 * the per-type and the per-task row it counted last in the tally and adds it to the row when it
 * moves to another row or ends, so that a pool whose tasks leave the same thing again counts rows
 * without an atomic instruction too; a row's value is its adder plus what live tallies hold for it.
 * Nothing here refers to a user class strongly, and nothing is stored in a user or JDK class (no
 * {@code ClassValue}), so the stats pin no class loader, neither an application's nor hygiene's own.
 */
final class Stats implements HygieneStats {

    private final String name;
    private final LiveMode mode;
    private final LongAdder tasks = new LongAdder();
    private final LongAdder tasksWithLeftovers = new LongAdder();
    private final LongAdder leftovers = new LongAdder();
    private final LongAdder staleExpunged = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> byType = new ConcurrentHashMap<>();
    /** Named rows reserved or created; never more than {@link #MAX_TYPES}. */
    private final AtomicInteger namedTypes = new AtomicInteger();
    private final ConcurrentHashMap<String, LongAdder> byTask = new ConcurrentHashMap<>();
    private final AtomicInteger namedTasks = new AtomicInteger();

    private final LeftoverLog log;

    Stats(String name, Mode mode) {
        this(name, new LiveMode(name, mode));
    }

    Stats(String name, LiveMode mode) {
        this.name = name;
        this.mode = mode;
        this.log = new LeftoverLog(name, mode);
    }

    /** Guards {@link #tallies} and the folding of finished ones into the adders above. */
    private final Object talliesLock = new Object();
    /** The tallies not folded yet; replaced, never changed in place. */
    private Tally[] tallies = new Tally[0];

    /**
     * A new tally for the current thread, which is to be its only writer. Folds the tallies that
     * are finished first, so that their number stays that of the threads using these stats.
     */
    Tally newTally() {
        Tally tally = new Tally(this, Thread.currentThread());
        synchronized (talliesLock) {
            Tally[] current = tallies;
            Tally[] next = new Tally[current.length + 1];
            int n = 0;
            for (Tally t : current) {
                if (t.finished()) {
                    fold(t);
                } else {
                    next[n++] = t;
                }
            }
            next[n++] = tally;
            tallies = n == next.length ? next : Arrays.copyOf(next, n);
        }
        return tally;
    }

    /** How many tallies are not folded yet: those of threads that may still count. */
    int unfoldedTallies() {
        synchronized (talliesLock) {
            return tallies.length;
        }
    }

    private void fold(Tally t) {
        t.foldRows();
        tasks.add(t.get(Tally.TASKS));
        tasksWithLeftovers.add(t.get(Tally.TASKS_WITH_LEFTOVERS));
        leftovers.add(t.get(Tally.LEFTOVERS));
        staleExpunged.add(t.get(Tally.STALE_EXPUNGED));
    }

    /** {@code own}, this object's count, plus {@code counter} of every tally not folded into it. */
    private long total(LongAdder own, int counter) {
        synchronized (talliesLock) {
            long sum = own.sum();
            for (Tally t : tallies) {
                sum += t.get(counter);
            }
            return sum;
        }
    }

    /** Counts one closed task of type {@code task} on the current thread, as a closing scope does. */
    void taskClosed(Class<?> task, int leftoverCount, int stale) {
        taskClosed(Worker.current().tally(this), task, leftoverCount, stale);
    }

    /**
     * Counts one closed task of type {@code task}, with what it left and what was expunged while
     * closing it, in {@code tally}, the current thread's, or, when the thread has none yet (null),
     * in the shared counters.
     */
    void taskClosed(Tally tally, Class<?> task, int leftoverCount, int stale) {
        if (tally != null) {
            tally.taskClosed(leftoverCount, stale);
        } else {
            tasks.increment();
            if (leftoverCount > 0) {
                tasksWithLeftovers.increment();
                leftovers.add(leftoverCount);
            }
            if (stale > 0) {
                staleExpunged.add(stale);
            }
        }
        if (leftoverCount > 0) {
            LongAdder row = taskRow(task);
            if (tally != null) {
                tally.addToRow(Tally.TASK_ROW, row, leftoverCount);
            } else {
                row.add(leftoverCount);
            }
        }
    }

    /** Counts what a new thread inherited: leftovers of no task. */
    void threadCreated(int leftoverCount, int stale) {
        if (leftoverCount > 0) {
            leftovers.add(leftoverCount);
            row(byTask, namedTasks, Leftover.THREAD_CREATION, OTHER_TASKS).add(leftoverCount);
        }
        if (stale > 0) {
            staleExpunged.add(stale);
        }
    }

    /**
     * Adds {@code n} leftovers of a {@code ThreadLocal} of class {@code local} (null: collected)
     * holding a value of class {@code value} (null: a null value) to their row. A hit in
     * {@link #recent} costs two identity hashes and two weak-reference checks; a miss builds the
     * row's name and looks it up.
     *
     * @return true when this made the row: the stats had not seen this pair of types before
     */
    boolean countEntries(Class<?> local, Class<?> value, int n) {
        return countEntries(null, local, value, n);
    }

    /**
     * {@link #countEntries(Class, Class, int)} by the current thread, whose {@code tally} (null if it
     * has none) keeps the count of the row it counted last.
     */
    boolean countEntries(Tally tally, Class<?> local, Class<?> value, int n) {
        Class<?> l = local == null ? Collected.class : local;
        Class<?> v = value == null ? NullValue.class : value;
        int slot = (System.identityHashCode(l) * 31 + System.identityHashCode(v)) & (RECENT_SLOTS - 1);
        Recent recent = this.recent[slot];
        if (recent != null && recent.local.refersTo(l) && recent.value.refersTo(v)) {
            add(tally, recent.count, n);
            return false;
        }
        LongAdder created = new LongAdder();
        LongAdder count = row(byType, namedTypes, typeName(l) + " -> " + typeName(v), OTHER_TYPES, created);
        this.recent[slot] = new Recent(l, v, count);
        add(tally, count, n);
        return count == created;
    }

    private static void add(Tally tally, LongAdder row, int n) {
        if (tally != null) {
            tally.addToRow(Tally.TYPE_ROW, row, n);
        } else {
            row.add(n);
        }
    }

    /** Logs a leftover type seen for the first time, on the thread that left it. */
    void logFirstOccurrence(Leftover first) {
        log.firstOccurrence(first, Thread.currentThread().getName());
    }

    /**
     * Adds {@code n} thread-state leftovers to their row: {@code property} now holds a value of
     * class {@code value}.
     *
     * @return true when this made the row
     */
    boolean countThreadState(String property, Class<?> value, int n) {
        String type = property + " -> " + typeName(value == null ? NullValue.class : value);
        LongAdder count = byType.get(type);
        boolean made = false;
        if (count == null) {
            LongAdder created = new LongAdder();
            count = row(byType, namedTypes, type, OTHER_TYPES, created);
            made = count == created;
        }
        count.add(n);
        return made;
    }

    private static String typeName(Class<?> type) {
        return type == Collected.class ? Leftover.COLLECTED : type == NullValue.class ? "null"
                : type == Removed.class ? REMOVED_ROW_VALUE : type.getName();
    }

    /**
     * What the value part of a row of {@link Leftover.Kind#REMOVED} entries says: a removal is the
     * {@code ThreadLocal}'s type and this, never the value that was removed, so that it cannot be
     * read as an entry added holding that value.
     */
    static final String REMOVED_ROW_VALUE = "(removed)";

    /** The value class under which {@link Report} counts removed entries. */
    static final Class<?> REMOVED = Removed.class;

    /** Marks the rows of removed entries; see {@link #REMOVED_ROW_VALUE}. */
    private static final class Removed {
    }

    /** Stands for a collected ThreadLocal in {@link #recent}. */
    private static final class Collected {
    }

    /** Stands for a null value in {@link #recent}. */
    private static final class NullValue {
    }

    private static final int RECENT_SLOTS = 256;

    /**
     * Recently counted pairs of classes and their row, so that steady leftovers build no string.
     * Racy by design: entries are immutable, a lost write only costs a lookup in {@link #byType},
     * which stays the one source of truth. Classes are held weakly, so no loader is pinned.
     */
    private final Recent[] recent = new Recent[RECENT_SLOTS];

    private static final class Recent {
        final WeakReference<Class<?>> local;
        final WeakReference<Class<?>> value;
        final LongAdder count;

        Recent(Class<?> local, Class<?> value, LongAdder count) {
            this.local = new WeakReference<>(local);
            this.value = new WeakReference<>(value);
            this.count = count;
        }
    }

    /** The row of {@code name} in {@code rows}, or the {@code other} row once {@link #MAX_TYPES} are named. */
    private static LongAdder row(ConcurrentHashMap<String, LongAdder> rows, AtomicInteger named, String name,
            String other) {
        return row(rows, named, name, other, new LongAdder());
    }

    /** {@link #row} that uses {@code created} if it makes the row, so the caller can tell it was new. */
    private static LongAdder row(ConcurrentHashMap<String, LongAdder> rows, AtomicInteger named, String name,
            String other, LongAdder created) {
        LongAdder row = rows.get(name);
        if (row != null) {
            return row;
        }
        if (named.incrementAndGet() > MAX_TYPES) {
            named.decrementAndGet();
            return rows.computeIfAbsent(other, k -> new LongAdder());
        }
        row = rows.putIfAbsent(name, created);
        if (row != null) {
            named.decrementAndGet();
            return row;
        }
        return created;
    }

    private static final int RECENT_TASK_SLOTS = 64;

    /** Recently counted task types and their row; racy and weak like {@link #recent}. */
    private final RecentTask[] recentTasks = new RecentTask[RECENT_TASK_SLOTS];

    private static final class RecentTask {
        final WeakReference<Class<?>> task;
        final LongAdder count;

        RecentTask(Class<?> task, LongAdder count) {
            this.task = new WeakReference<>(task);
            this.count = count;
        }
    }

    private LongAdder taskRow(Class<?> task) {
        if (task == null) {
            return row(byTask, namedTasks, Leftover.UNKNOWN_TASK, OTHER_TASKS);
        }
        int slot = System.identityHashCode(task) & (RECENT_TASK_SLOTS - 1);
        RecentTask recent = recentTasks[slot];
        if (recent != null && recent.task.refersTo(task)) {
            return recent.count;
        }
        LongAdder count = row(byTask, namedTasks, TaskTypes.name(task), OTHER_TASKS);
        recentTasks[slot] = new RecentTask(task, count);
        return count;
    }

    @Override
    public long tasks() {
        return total(tasks, Tally.TASKS);
    }

    @Override
    public long tasksWithLeftovers() {
        return total(tasksWithLeftovers, Tally.TASKS_WITH_LEFTOVERS);
    }

    @Override
    public long leftovers() {
        return total(leftovers, Tally.LEFTOVERS);
    }

    @Override
    public long staleExpunged() {
        return total(staleExpunged, Tally.STALE_EXPUNGED);
    }

    @Override
    public Map<String, Long> leftoversByType() {
        return sorted(byType, pendingRows());
    }

    @Override
    public Map<String, Long> leftoversByTask() {
        return sorted(byTask, pendingRows());
    }

    /** What the live tallies count for rows and have not added to them yet, by row. */
    private Map<LongAdder, Long> pendingRows() {
        Map<LongAdder, Long> pending = new IdentityHashMap<>();
        synchronized (talliesLock) {
            for (Tally t : tallies) {
                t.addPending(pending);
            }
        }
        return pending;
    }

    private static Map<String, Long> sorted(ConcurrentHashMap<String, LongAdder> counts, Map<LongAdder, Long> pending) {
        List<Map.Entry<String, Long>> rows = new ArrayList<>(counts.size());
        counts.forEach((type, count) -> rows.add(Map.entry(type, count.sum() + pending.getOrDefault(count, 0L))));
        rows.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Long> sorted = new LinkedHashMap<>();
        for (Map.Entry<String, Long> row : rows) {
            sorted.put(row.getKey(), row.getValue());
        }
        return Collections.unmodifiableMap(sorted);
    }

    @Override
    public String report() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("hygiene '%s' (%s): %,d tasks, %,d with leftovers, %,d leftovers, "
                        + "%,d stale entries expunged%n",
                name, mode.get(), tasks(), tasksWithLeftovers(), leftovers(), staleExpunged()));
        Map<String, Long> types = leftoversByType();
        Map<String, Long> byTask = leftoversByTask();
        if (types.isEmpty() && byTask.isEmpty()) {
            out.append("  no leftovers").append(System.lineSeparator());
            return out.toString();
        }
        if (!types.isEmpty()) {
            table(out, types, "ThreadLocal type -> value type");
        }
        if (!byTask.isEmpty()) {
            table(out, byTask, "left by task type");
        }
        return out.toString();
    }

    private static void table(StringBuilder out, Map<String, Long> rows, String heading) {
        int width = 5;
        for (Long count : rows.values()) {
            width = Math.max(width, String.format("%,d", count).length());
        }
        out.append(String.format("  %" + width + "s  %s%n", "count", heading));
        for (Map.Entry<String, Long> row : rows.entrySet()) {
            out.append(String.format("  %," + width + "d  %s%n", row.getValue(), row.getKey()));
        }
    }

    @Override
    public String toString() {
        return "HygieneStats[" + name + ", tasks=" + tasks() + ", leftovers=" + leftovers() + "]";
    }
}
