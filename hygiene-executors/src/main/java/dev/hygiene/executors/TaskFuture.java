package dev.hygiene.executors;

import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;

/**
 * The {@code FutureTask} that the hygienic executor services build for {@code submit},
 * {@code invokeAll} and {@code invokeAny}: a plain {@code FutureTask} that also keeps the caller's
 * task, so that leftovers are attributed to the caller's task type rather than to
 * {@code FutureTask}. It is the one object a plain pool would allocate, with one more field.
 */
final class TaskFuture<V> extends FutureTask<V> {

    private final Object task;

    TaskFuture(Callable<V> task) {
        super(task);
        this.task = task;
    }

    TaskFuture(Runnable task, V result) {
        super(task, result);
        this.task = task;
    }

    /**
     * The caller's task behind {@code runnable}: the submitted one for a {@code TaskFuture} or a
     * {@link ScheduledTask}, {@code runnable} itself otherwise.
     */
    static Object source(Runnable runnable) {
        if (runnable instanceof TaskFuture) {
            return ((TaskFuture<?>) runnable).task;
        }
        return runnable instanceof ScheduledTask ? ((ScheduledTask<?>) runnable).task() : runnable;
    }
}
