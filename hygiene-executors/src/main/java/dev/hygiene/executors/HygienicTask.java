package dev.hygiene.executors;

import dev.hygiene.core.TaskScope;
import dev.hygiene.core.TaskWrapper;
import dev.hygiene.core.ThreadHygiene;

/**
 * The one task wrapper of this module: runs the caller's task in a scope of the hygiene. The
 * decorators hand it to their delegate executor, and the hygienic pools hand it to their rejection
 * handler, so that a rejected task that the handler runs (on the submitting thread, say) gets a
 * scope of its own. It prints as the caller's task, so that a handler's message names that task;
 * it is its own type so that {@code shutdownNow} can give the caller's tasks back, and a pool can
 * queue the caller's task when a handler hands a rejected one back to {@code execute}.
 */
final class HygienicTask implements Runnable, TaskWrapper {

    final Runnable task;
    private final ThreadHygiene hygiene;

    HygienicTask(Runnable task, ThreadHygiene hygiene) {
        this.task = task;
        this.hygiene = hygiene;
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

    /** The caller's task for a hygienic wrapper, any other runnable as it is. */
    static Runnable unwrap(Runnable runnable) {
        return runnable instanceof HygienicTask ? ((HygienicTask) runnable).task : runnable;
    }

    /**
     * The caller's task for a wrapper of {@code hygiene}, any other runnable as it is: a pool of that
     * hygiene runs the task in a scope of its own anyway, and a wrapper of another hygiene keeps its
     * scope.
     */
    static Runnable unwrap(Runnable runnable, ThreadHygiene hygiene) {
        return runnable instanceof HygienicTask && ((HygienicTask) runnable).hygiene == hygiene
                ? ((HygienicTask) runnable).task : runnable;
    }

    @Override
    public String toString() {
        return task.toString();
    }
}
