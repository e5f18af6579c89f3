package dev.hygiene.micrometer;

import dev.hygiene.core.HygieneStats;
import dev.hygiene.core.ThreadHygiene;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * A Micrometer {@link MeterBinder} for the {@link ThreadHygiene#stats() stats} of one hygiene,
 * usable with or without Spring:
 * <pre>{@code
 * ThreadHygiene hygiene = ThreadHygiene.defaults();
 * new HygieneMetrics(hygiene).bindTo(registry);
 * }</pre>
 * It registers these {@link FunctionCounter}s, each tagged {@code hygiene=<policy name>}:
 * <ul>
 * <li>{@value #TASKS}: task scopes closed ({@link HygieneStats#tasks()});
 * <li>{@value #TASKS_WITH_LEFTOVERS}: tasks that left something ({@link HygieneStats#tasksWithLeftovers()});
 * <li>{@value #LEFTOVERS}: leftovers of all kinds ({@link HygieneStats#leftovers()});
 * <li>{@value #STALE_EXPUNGED}: stale entries expunged ({@link HygieneStats#staleExpunged()});
 * <li>{@value #LEFTOVERS_BY_TYPE}: leftovers per type, tagged {@code local=<ThreadLocal's class>} and
 *     {@code value=<value's class>}, for at most {@link #maxTypes()} types, plus one row tagged
 *     {@code local=other,value=other} that counts every further type.
 * </ul>
 *
 * <p><b>Why the per-type rows are bounded, and how.</b> Every distinct tag set is a time series
 * that a monitoring backend stores and bills for; hygiene-core already bounds its own table at
 * {@value HygieneStats#MAX_TYPES} types, which is far too many series. The first
 * {@link #maxTypes()} types (default {@value #DEFAULT_MAX_TYPES}) that appear get a row of their own,
 * the most frequent first when several appear between two reads; every type seen after that counts
 * under {@code other}. A type is named for good once it has a row, and a type that went to
 * {@code other} stays there, so that every row is a true, monotonic counter: choosing the "current
 * top N" at each read would move counts between rows and make them go down. The rows are added
 * when the registry reads {@value #LEFTOVERS} (each publish or scrape does), so new types show up
 * at the next publish without a background thread.
 *
 * <p>The counters read hygiene's stats when the registry reads them; binding adds no cost per task.
 * The meters hold the hygiene strongly while they are registered, as a counter must, so that they
 * keep counting whoever else drops it; they hold no task, key or value.
 */
public final class HygieneMetrics implements MeterBinder {

    /** Meter name: task scopes closed. */
    public static final String TASKS = "hygiene.tasks";
    /** Meter name: tasks that left at least one leftover. */
    public static final String TASKS_WITH_LEFTOVERS = "hygiene.tasks.with.leftovers";
    /** Meter name: leftovers of all kinds. */
    public static final String LEFTOVERS = "hygiene.leftovers";
    /** Meter name: stale entries expunged. */
    public static final String STALE_EXPUNGED = "hygiene.stale.expunged";
    /** Meter name: leftovers of one type, tagged {@code local} and {@code value}. */
    public static final String LEFTOVERS_BY_TYPE = "hygiene.leftovers.by.type";
    /** The tag value of the {@value #LEFTOVERS_BY_TYPE} row that counts the types past the bound. */
    public static final String OTHER = "other";
    /** The number of types named by default. */
    public static final int DEFAULT_MAX_TYPES = 20;

    private final ThreadHygiene hygiene;
    private final int maxTypes;
    private final Tags tags;

    /**
     * A binder naming at most {@value #DEFAULT_MAX_TYPES} leftover types.
     *
     * @param hygiene the hygiene whose stats to publish
     * @throws NullPointerException if {@code hygiene} is null
     */
    public HygieneMetrics(ThreadHygiene hygiene) {
        this(hygiene, DEFAULT_MAX_TYPES);
    }

    /**
     * A binder naming at most {@code maxTypes} leftover types.
     *
     * @param hygiene the hygiene whose stats to publish
     * @param maxTypes how many types get a {@value #LEFTOVERS_BY_TYPE} row of their own, 0 for none
     *        (then the {@code other} row counts them all)
     * @throws NullPointerException if {@code hygiene} is null
     * @throws IllegalArgumentException if {@code maxTypes} is negative or more than
     *         {@value HygieneStats#MAX_TYPES}
     */
    public HygieneMetrics(ThreadHygiene hygiene, int maxTypes) {
        this.hygiene = Objects.requireNonNull(hygiene, "hygiene");
        if (maxTypes < 0 || maxTypes > HygieneStats.MAX_TYPES) {
            throw new IllegalArgumentException("maxTypes was " + maxTypes + "; allowed are 0 to "
                    + HygieneStats.MAX_TYPES);
        }
        this.maxTypes = maxTypes;
        this.tags = Tags.of("hygiene", hygiene.policy().name());
    }

    /**
     * How many leftover types get a row of their own.
     *
     * @return the bound on named types
     */
    public int maxTypes() {
        return maxTypes;
    }

    /**
     * Registers the counters in {@code registry}. A binder can be bound to several registries.
     *
     * @param registry where to register the meters
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Types types = new Types(registry);
        counter(registry, TASKS, "Task scopes closed by this hygiene", h -> h.stats().tasks());
        counter(registry, TASKS_WITH_LEFTOVERS, "Tasks that left at least one thread-local or thread-state change behind",
                h -> h.stats().tasksWithLeftovers());
        counter(registry, LEFTOVERS, "Thread-local entries and thread-state changes that tasks left behind",
                h -> types.leftovers());
        counter(registry, STALE_EXPUNGED, "Stale thread-local entries (key collected) expunged",
                h -> h.stats().staleExpunged());
        FunctionCounter.builder(LEFTOVERS_BY_TYPE, hygiene, h -> types.other())
                .description("Leftovers of the types past the bound on named types")
                .tags(tags).tag("local", OTHER).tag("value", OTHER)
                .register(registry);
        types.refresh();
    }

    /*
     * Micrometer holds a function counter's state object weakly and its function strongly. The
     * state is the hygiene; the functions capture this binder (and so the hygiene) or the Types,
     * so that nothing a meter needs can be collected while the meter is registered.
     */
    private void counter(MeterRegistry registry, String name, String description,
            ToDoubleFunction<ThreadHygiene> count) {
        FunctionCounter.builder(name, hygiene, count).description(description).tags(tags).register(registry);
    }

    @Override
    public String toString() {
        return "HygieneMetrics[" + hygiene.policy().name() + ", maxTypes=" + maxTypes + "]";
    }

    /** The per-type rows of one registry. */
    private final class Types {
        private final MeterRegistry registry;
        /** Types with a row of their own; grows to maxTypes, then never changes. */
        private final Set<String> named = new LinkedHashSet<>();

        Types(MeterRegistry registry) {
            this.registry = registry;
        }

        double leftovers() {
            refresh();
            return hygiene.stats().leftovers();
        }

        synchronized void refresh() {
            refresh(hygiene.stats().leftoversByType());
        }

        /** Adds rows for types seen since the last read, while the bound allows. */
        private void refresh(Map<String, Long> byType) {
            // leftoversByType() is most frequent first, so the bound keeps the most frequent of the new ones.
            for (String key : byType.keySet()) {
                if (named.size() >= maxTypes) {
                    return;
                }
                if (named.add(key)) {
                    int arrow = key.indexOf(" -> ");
                    String local = arrow < 0 ? key : key.substring(0, arrow);
                    String value = arrow < 0 ? key : key.substring(arrow + 4);
                    FunctionCounter.builder(LEFTOVERS_BY_TYPE, hygiene, h -> count(hygiene, key))
                            .description("Leftovers of one ThreadLocal type and value type")
                            .tags(tags.and(Tag.of("local", local), Tag.of("value", value)))
                            .register(registry);
                }
            }
        }

        /** One snapshot of the table for both steps, so that no count moves from other to a named row. */
        synchronized double other() {
            Map<String, Long> byType = hygiene.stats().leftoversByType();
            refresh(byType);
            long sum = 0;
            for (Map.Entry<String, Long> e : byType.entrySet()) {
                if (!named.contains(e.getKey())) {
                    sum += e.getValue();
                }
            }
            return sum;
        }
    }

    private static double count(ThreadHygiene hygiene, String key) {
        Long n = hygiene.stats().leftoversByType().get(key);
        return n == null ? 0 : n;
    }
}
