package dev.hygiene.core;

/**
 * The scope of one task on one thread, opened by {@link ThreadHygiene#enter()} with a snapshot of
 * the thread's state and closed by {@link #close()}, which restores it ({@link Mode#ENFORCE}) or
 * counts the differences ({@link Mode#AUDIT}).
 *
 * <p>Scopes nest last-in first-out on a thread. A scope must be closed exactly once, on the thread
 * that entered it, after every scope entered later on that thread is closed. Use it with
 * try-with-resources:
 *
 * <pre>{@code
 * try (TaskScope scope = hygiene.enter()) {
 *     task.run();
 * }
 * }</pre>
 *
 * <p>Scope objects are reused per thread and nesting depth, so a scope must not be kept after it is
 * closed.
 */
public interface TaskScope extends AutoCloseable {

    /**
     * Ends the scope: restores or counts, updates the stats and calls the policy's
     * {@link LeftoverListener} when the task left something.
     *
     * @throws IllegalStateException if this scope was already closed, is closed from a thread other
     *         than the one that entered it, or is closed while a scope entered later on the same
     *         thread is still open; the thread's state is then left untouched
     */
    @Override
    void close();
}
