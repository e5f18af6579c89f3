package dev.hygiene.core;

import java.util.Map;

/**
 * Counters of one {@link ThreadHygiene}, safe to read from any thread while tasks run.
 *
 * <p>The stats hold class names and counts only, never keys, values, threads or tasks, and they
 * track at most {@value #MAX_TYPES} distinct leftover types; further types are counted under the
 * single row {@value #OTHER_TYPES}. They never become a leak themselves.
 */
public interface HygieneStats {

    /** The most distinct leftover types counted by name. */
    int MAX_TYPES = 1024;

    /** The row of {@link #leftoversByType()} that counts types past {@link #MAX_TYPES}. */
    String OTHER_TYPES = "(other types)";

    /** The row of {@link #leftoversByTask()} that counts task types past {@link #MAX_TYPES}. */
    String OTHER_TASKS = "(other tasks)";

    /**
     * The number of task scopes closed, in {@link Mode#ENFORCE} and {@link Mode#AUDIT}.
     *
     * @return tasks run under this hygiene
     */
    long tasks();

    /**
     * The number of tasks that left at least one {@link Leftover}.
     *
     * @return tasks that left something
     */
    long tasksWithLeftovers();

    /**
     * The number of leftovers of all kinds, each counted once, by the task that left it.
     *
     * @return leftovers counted
     */
    long leftovers();

    /**
     * The number of stale entries (whose {@code ThreadLocal} was collected) that were expunged,
     * whichever task left them. Only {@link Mode#ENFORCE} expunges.
     *
     * @return stale entries expunged
     */
    long staleExpunged();

    /**
     * Leftovers counted per type, most frequent first.
     *
     * @return an unmodifiable copy mapping {@code "ThreadLocal type -> value type"} (see
     *         {@link Leftover#typeKey()}) to its count
     */
    Map<String, Long> leftoversByType();

    /**
     * Leftovers counted per task type, most frequent first: which tasks leave things behind. A task
     * that is a lambda is named after the class that defined it, with the suffix
     * {@code " (lambda)"}; values that new threads inherited count under
     * {@value Leftover#THREAD_CREATION}. At most {@value #MAX_TYPES} task types are named; the rest
     * count under {@value #OTHER_TASKS}.
     *
     * @return an unmodifiable copy mapping task type to its count
     */
    Map<String, Long> leftoversByTask();

    /**
     * A human-readable table of the counters and the leftover types, most frequent first.
     *
     * @return a multi-line report
     */
    String report();
}
