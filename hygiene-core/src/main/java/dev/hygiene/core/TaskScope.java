package dev.hygiene.core;

import java.util.List;

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

    /**
     * Ends the scope as {@link #close()} does and returns what its task left: the same leftovers
     * that the stats count and the policy's {@link LeftoverListener} receives, in {@link Mode#ENFORCE}
     * (after the restore) and in {@link Mode#AUDIT}, without a policy-wide listener. For code that
     * judges one scope at a time, such as a test framework that fails the test which leaked.
     * Leftovers of scopes nested in this one were settled and reported by those scopes and are
     * not repeated here. A cold path: it builds the {@code Leftover} objects that a plain
     * {@code close()} avoids.
     *
     * @return the leftovers of this scope's task, in the order found; empty if it left nothing,
     *         and always empty in {@link Mode#OFF}
     * @throws IllegalStateException as {@link #close()} does; the thread's state is then untouched
     */
    List<Leftover> finish();

    /**
     * Ends the scope and never throws: for bytecode advice and other code that must not let
     * hygiene change how a task ends. Any scope entered after this one on the same thread and
     * still open (a task that entered a scope and never closed it) is closed first, innermost
     * first, so the thread ends up as it was before this scope's task, as
     * {@link ThreadHygiene#afterTask()} does. A misuse that {@link #close()} would reject (this
     * scope already closed, or closed from another thread) changes nothing and is logged at
     * {@code WARNING} on logger {@code dev.hygiene}, as is an unexpected failure while settling;
     * only the JVM's own {@link VirtualMachineError}s propagate.
     */
    void closeQuietly();
}
