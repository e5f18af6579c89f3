package dev.hygiene.core;

import java.util.Map;

/**
 * The management interface of a {@link ThreadHygiene}, registered in the platform MBean server as
 * {@code dev.hygiene:type=ThreadHygiene,name=<name>} when the hygiene's policy asks for it (see
 * {@link HygienePolicy.Builder#jmx(boolean)}). Every attribute but {@code Mode} is read-only and is
 * read live from the hygiene's {@link HygieneStats}; JMX consoles such as jconsole and VisualVM show
 * them as they change. {@code Mode} is writable: writing it is {@link ThreadHygiene#switchMode(Mode)}.
 *
 * <p>The registered object holds the stats, the name and the mode only, never the hygiene itself:
 * the MBean does not keep a hygiene alive, and it is unregistered once the hygiene has been garbage
 * collected.
 */
public interface ThreadHygieneMXBean {

    /** The most rows {@link #getTopLeftoverTypes()} returns. */
    int TOP_LEFTOVER_TYPES = 20;

    /**
     * The policy's name. When another hygiene of the same name was registered first, the
     * {@code name} key of this MBean's {@code ObjectName} has a suffix ({@code -2}, {@code -3}, ...)
     * that this attribute does not have.
     *
     * @return the name given to {@link HygienePolicy.Builder#name(String)}
     */
    String getName();

    /**
     * The current mode, one of {@code ENFORCE}, {@code AUDIT} and {@code OFF}: the policy's until
     * someone switches it, see {@link ThreadHygiene#mode()}.
     *
     * @return the name of the current {@link Mode}
     */
    String getMode();

    /**
     * Switches the mode for every task that starts from now on, as
     * {@link ThreadHygiene#switchMode(Mode)}: from jconsole's attribute editor, or
     * {@code MBeanServer.setAttribute(name, new Attribute("Mode", "audit"))}. Tasks already running
     * finish in the mode they started in. The change is logged once, at INFO on logger
     * {@code dev.hygiene}.
     *
     * @param mode {@code ENFORCE}, {@code AUDIT} or {@code OFF}, in any case
     * @throws IllegalArgumentException if {@code mode} names no mode; the message names the allowed
     *         values, and the mode is unchanged
     * @throws IllegalStateException if {@code mode} is ENFORCE or AUDIT and this JVM does not open
     *         {@code java.lang} to hygiene ({@link ThreadHygiene#isSupported()} is false); the mode
     *         is unchanged
     */
    void setMode(String mode);

    /**
     * The number of task scopes closed, as {@link HygieneStats#tasks()}.
     *
     * @return tasks run under the hygiene
     */
    long getTasks();

    /**
     * The number of tasks that left at least one leftover, as {@link HygieneStats#tasksWithLeftovers()}.
     *
     * @return tasks that left something
     */
    long getTasksWithLeftovers();

    /**
     * The number of leftovers of all kinds, as {@link HygieneStats#leftovers()}.
     *
     * @return leftovers counted
     */
    long getLeftovers();

    /**
     * The number of stale entries expunged, as {@link HygieneStats#staleExpunged()}.
     *
     * @return stale entries expunged
     */
    long getStaleExpunged();

    /**
     * The {@value #TOP_LEFTOVER_TYPES} most frequent rows of {@link HygieneStats#leftoversByType()}:
     * most frequent first, rows of equal count in the order of their keys. A JMX client sees the
     * map as {@code TabularData} with the columns {@code key} and {@code value}.
     *
     * @return an unmodifiable map from {@code "ThreadLocal type -> value type"} to its count
     */
    Map<String, Long> getTopLeftoverTypes();

    /**
     * The human-readable table of {@link HygieneStats#report()}.
     *
     * @return a multi-line report
     */
    String getReport();
}
