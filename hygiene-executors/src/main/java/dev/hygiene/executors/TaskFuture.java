package dev.hygiene.executors;

import dev.hygiene.core.TaskWrapper;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;

/**
 * The {@code FutureTask} that the hygienic executor services build for {@code submit},
 * {@code invokeAll} and {@code invokeAny}: a plain {@code FutureTask} that also keeps the caller's
 * task, as its {@link TaskWrapper#wrappedTask()}, so that leftovers are attributed to the caller's
 * task type rather than to {@code FutureTask}. It is the one object a plain pool would allocate, with one more field.
 */
final class TaskFuture<V> extends FutureTask<V> implements TaskWrapper {

    private final Object task;

    TaskFuture(Callable<V> task) {
        super(task);
        this.task = task;
    }

    TaskFuture(Runnable task, V result) {
        super(task, result);
        this.task = task;
    }

    /** The caller's task, as given to {@code submit}, {@code invokeAll} or {@code invokeAny}. */
    @Override
    public Object wrappedTask() {
        return task;
    }
}
