package dev.hygiene.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one {@link ThreadHygiene}. Task counts are {@link LongAdder}s, which do not
 * allocate once their cells exist; per-type rows are created only when a task leaves something.
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

    void taskClosed() {
        tasks.increment();
    }

    void staleExpunged(int count) {
        staleExpunged.add(count);
    }

    void leftovers(List<Leftover> found) {
        tasksWithLeftovers.increment();
        leftovers.add(found.size());
        for (Leftover leftover : found) {
            row(leftover.typeKey()).increment();
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
