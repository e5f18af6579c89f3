package dev.hygiene.core;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one {@link ThreadHygiene}. Counts are {@link LongAdder}s, which do not allocate
 * once their cells exist; a per-type row is created the first time its pair of classes is seen.
 * Nothing here refers to a user class strongly, and nothing is stored in a user or JDK class (no
 * {@code ClassValue}), so the stats pin no class loader, neither an application's nor hygiene's own.
 */
final class Stats implements HygieneStats {

    private final String name;
    private final Mode mode;
    private final LongAdder tasks = new LongAdder();
    private final LongAdder tasksWithLeftovers = new LongAdder();
    private final LongAdder leftovers = new LongAdder();
    private final LongAdder staleExpunged = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> byType = new ConcurrentHashMap<>();
    /** Named rows reserved or created; never more than {@link #MAX_TYPES}. */
    private final AtomicInteger namedTypes = new AtomicInteger();

    Stats(String name, Mode mode) {
        this.name = name;
        this.mode = mode;
    }

    /** Counts one closed task, with what it left and what was expunged while closing it. */
    void taskClosed(int leftoverCount, int stale) {
        tasks.increment();
        if (leftoverCount > 0) {
            tasksWithLeftovers.increment();
            leftovers.add(leftoverCount);
        }
        if (stale > 0) {
            staleExpunged.add(stale);
        }
    }

    /** Counts what a new thread inherited: leftovers of no task. */
    void threadCreated(int leftoverCount, int stale) {
        if (leftoverCount > 0) {
            leftovers.add(leftoverCount);
        }
        if (stale > 0) {
            staleExpunged.add(stale);
        }
    }

    /**
     * The counter of leftovers of a {@code ThreadLocal} of class {@code local} (null: collected)
     * holding a value of class {@code value} (null: a null value). A hit in {@link #recent} costs two
     * identity hashes and two weak-reference checks; a miss builds the row's name and looks it up.
     */
    LongAdder counter(Class<?> local, Class<?> value) {
        Class<?> l = local == null ? Collected.class : local;
        Class<?> v = value == null ? NullValue.class : value;
        int slot = (System.identityHashCode(l) * 31 + System.identityHashCode(v)) & (RECENT_SLOTS - 1);
        Recent recent = this.recent[slot];
        if (recent != null && recent.local.refersTo(l) && recent.value.refersTo(v)) {
            return recent.count;
        }
        LongAdder count = row(typeName(l) + " -> " + typeName(v));
        this.recent[slot] = new Recent(l, v, count);
        return count;
    }

    /** Counts one thread-state leftover: {@code property} now holds a value of class {@code value}. */
    void countThreadState(String property, Class<?> value) {
        row(property + " -> " + typeName(value == null ? NullValue.class : value)).increment();
    }

    private static String typeName(Class<?> type) {
        return type == Collected.class ? Leftover.COLLECTED : type == NullValue.class ? "null" : type.getName();
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

    private LongAdder row(String type) {
        LongAdder row = byType.get(type);
        if (row != null) {
            return row;
        }
        if (namedTypes.incrementAndGet() > MAX_TYPES) {
            namedTypes.decrementAndGet();
            return byType.computeIfAbsent(OTHER_TYPES, k -> new LongAdder());
        }
        LongAdder created = new LongAdder();
        row = byType.putIfAbsent(type, created);
        if (row != null) {
            namedTypes.decrementAndGet();
            return row;
        }
        return created;
    }

    @Override
    public long tasks() {
        return tasks.sum();
    }

    @Override
    public long tasksWithLeftovers() {
        return tasksWithLeftovers.sum();
    }

    @Override
    public long leftovers() {
        return leftovers.sum();
    }

    @Override
    public long staleExpunged() {
        return staleExpunged.sum();
    }

    @Override
    public Map<String, Long> leftoversByType() {
        List<Map.Entry<String, Long>> rows = new ArrayList<>(byType.size());
        byType.forEach((type, count) -> rows.add(Map.entry(type, count.sum())));
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
                name, mode, tasks(), tasksWithLeftovers(), leftovers(), staleExpunged()));
        Map<String, Long> rows = leftoversByType();
        if (rows.isEmpty()) {
            out.append("  no leftovers").append(System.lineSeparator());
            return out.toString();
        }
        int width = 5;
        for (Long count : rows.values()) {
            width = Math.max(width, String.format("%,d", count).length());
        }
        out.append(String.format("  %" + width + "s  %s%n", "count", "ThreadLocal type -> value type"));
        for (Map.Entry<String, Long> row : rows.entrySet()) {
            out.append(String.format("  %," + width + "d  %s%n", row.getValue(), row.getKey()));
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "HygieneStats[" + name + ", tasks=" + tasks() + ", leftovers=" + leftovers() + "]";
    }
}
