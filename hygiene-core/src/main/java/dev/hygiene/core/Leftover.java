package dev.hygiene.core;

import java.util.Objects;

/**
 * One thing a task left behind on its worker thread.
 *
 * <p>A leftover names types, never instances: it keeps no key, value, thread or task reachable.
 *
 * <p>While a JDK Flight Recorder recording runs, each leftover is also recorded as the event
 * {@code dev.hygiene.Leftover}, with these components, the hygiene's name and mode, and the worker
 * thread's name and id. The event is enabled by default:
 * {@code java -XX:StartFlightRecording:filename=rec.jfr ...}, then
 * {@code jfr print --events dev.hygiene.Leftover rec.jfr}. In a JVM without the module
 * {@code jdk.jfr} there are no events, and nothing else changes.
 *
 * @param kind what the task did
 * @param localType the class name of the {@code ThreadLocal}, {@value #COLLECTED} when the GC has
 *        already collected it (a {@link Kind#STALE} entry), or the {@code Thread} property for
 *        {@link Kind#THREAD_STATE} (for example {@code Thread.contextClassLoader})
 * @param valueType the class name of the value the task left ({@link Kind#REMOVED}: of the value it
 *        removed), or {@code null} for a null value
 * @param inheritable whether the entry is in the thread's inheritable map
 * @param taskType the class name of the task, or {@value #UNKNOWN_TASK} when the scope was entered
 *        without one
 */
public record Leftover(Kind kind, String localType, String valueType, boolean inheritable, String taskType) {

    /** The {@link #localType()} of a stale entry, whose {@code ThreadLocal} was already collected. */
    public static final String COLLECTED = "<collected>";

    /** The {@link #taskType()} of a scope entered without a task. */
    public static final String UNKNOWN_TASK = "<unknown>";

    /**
     * The {@link #taskType()} of a value that a new thread inherited from the thread that created
     * it, found by {@link ThreadHygiene#startClean(Thread)}.
     */
    public static final String THREAD_CREATION = "<thread creation>";

    /** What a task did to leave a {@link Leftover}. */
    public enum Kind {
        /** Added an entry that was not there before the task. */
        ADDED,
        /** Replaced the value of an entry that was there before the task. */
        CHANGED,
        /**
         * Removed an entry that was there before the task. Under AUDIT, only an entry of the
         * thread's baseline counts: removing what an earlier audited task left undoes a leftover.
         */
        REMOVED,
        /** Added an entry whose {@code ThreadLocal} was collected before the task ended. */
        STALE,
        /** Changed the thread's name, priority, context class loader or uncaught-exception handler. */
        THREAD_STATE
    }

    /**
     * Checks the components.
     *
     * @param kind what the task did
     * @param localType the class name of the {@code ThreadLocal}, or {@value #COLLECTED}, or the
     *        {@code Thread} property
     * @param valueType the class name of the value, or null
     * @param inheritable whether the entry is in the inheritable map
     * @param taskType the class name of the task, or {@value #UNKNOWN_TASK}
     * @throws NullPointerException if {@code kind}, {@code localType} or {@code taskType} is null
     */
    public Leftover {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(localType, "localType");
        Objects.requireNonNull(taskType, "taskType");
    }

    /**
     * The key under which {@link HygieneStats#leftoversByType()} counts this leftover.
     *
     * @return {@code "<localType> -> <valueType>"}
     */
    public String typeKey() {
        return localType + " -> " + valueType;
    }
}
