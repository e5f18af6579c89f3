package dev.hygiene.core;

/**
 * What a {@link ThreadHygiene} does around each task.
 *
 * @see HygienePolicy.Builder#mode(Mode)
 */
public enum Mode {

    /**
     * Snapshot the worker's thread-local maps and thread state before the task and restore them
     * afterwards: entries the task added are removed, values it replaced or removed are put back,
     * stale entries are expunged, and retained entries are left as the task left them. Leftovers
     * are counted and reported as in {@link #AUDIT}.
     */
    ENFORCE,

    /**
     * Compute and count the same differences as {@link #ENFORCE}, attributed to the task, but leave
     * the maps and thread state exactly as the task left them.
     */
    AUDIT,

    /**
     * Do nothing: no snapshot, no counting. A pass-through kill switch whose cost is a mode check.
     */
    OFF
}
