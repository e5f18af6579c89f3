package dev.hygiene.core.internal;

import dev.hygiene.core.TaskScope;
import dev.hygiene.core.TaskWrapper;
import dev.hygiene.core.ThreadHygiene;
import java.util.Objects;

/**
 * The one runnable wrapper of hygiene: runs the caller's task in a scope of a hygiene. It is what
 * {@link ThreadHygiene#wrap(Runnable)} returns, what the executors' decorators hand their delegate
 * and what the hygienic pools hand their rejection handler. It prints as the caller's task, so
 * that a handler's message or a thread dump names that task, and it can be told apart from any
 * other runnable, so that {@code shutdownNow} can give the caller's tasks back.
 */
public final class ScopedRunnable implements Runnable, TaskWrapper {

    private final ThreadHygiene hygiene;
    private final Runnable task;

    /**
     * A wrapper that runs {@code task} in a scope of {@code hygiene}.
     *
     * @param hygiene the hygiene whose scope the task runs in
     * @param task the caller's task
     * @throws NullPointerException if either is null
     */
    public ScopedRunnable(ThreadHygiene hygiene, Runnable task) {
        this.hygiene = Objects.requireNonNull(hygiene, "hygiene");
        this.task = Objects.requireNonNull(task, "task");
    }

    /**
     * Whether {@code task} is a wrapper of {@code hygiene}.
     *
     * @param task any task
     * @param hygiene a hygiene
     * @return true if {@code task} runs in a scope of {@code hygiene}
     */
    public static boolean wraps(Object task, ThreadHygiene hygiene) {
        return task instanceof ScopedRunnable && ((ScopedRunnable) task).hygiene == hygiene;
    }

    /**
     * The caller's task for a wrapper, any other runnable as it is.
     *
     * @param runnable any runnable
     * @return the task it wraps, or {@code runnable}
     */
    public static Runnable unwrap(Runnable runnable) {
        return runnable instanceof ScopedRunnable ? ((ScopedRunnable) runnable).task : runnable;
    }

    /**
     * The caller's task for a wrapper of {@code hygiene}, any other runnable as it is: a pool of
     * that hygiene runs the task in a scope of its own anyway, and a wrapper of another hygiene
     * keeps its scope.
     *
     * @param runnable any runnable
     * @param hygiene the pool's hygiene
     * @return the task it wraps, or {@code runnable}
     */
    public static Runnable unwrap(Runnable runnable, ThreadHygiene hygiene) {
        return wraps(runnable, hygiene) ? ((ScopedRunnable) runnable).task : runnable;
    }

    @Override
    public void run() {
        TaskScope scope = hygiene.enter(task);
        try {
            task.run();
        } finally {
            scope.close();
        }
    }

    @Override
    public Object wrappedTask() {
        return task;
    }

    /** The caller's task's own string. */
    @Override
    public String toString() {
        return task.toString();
    }
}
