package dev.hygiene.executors;

import dev.hygiene.core.TaskScope;
import dev.hygiene.core.TaskWrapper;
import dev.hygiene.core.ThreadHygiene;

/**
 * A task handed to a delegate executor: runs the caller's task in a scope of the hygiene. Kept as
 * its own type so that {@code shutdownNow} can give the caller's tasks back, unwrapped.
 */
class HygienicTask implements Runnable, TaskWrapper {

    final Runnable task;
    private final ThreadHygiene hygiene;

    HygienicTask(Runnable task, ThreadHygiene hygiene) {
        this.task = task;
        this.hygiene = hygiene;
    }

    @Override
    public final void run() {
        TaskScope scope = hygiene.enter(task);
        try {
            task.run();
        } finally {
            scope.close();
        }
    }

    @Override
    public final Object wrappedTask() {
        return task;
    }

    /** The caller's task for a hygienic wrapper, any other runnable as it is. */
    static Runnable unwrap(Runnable runnable) {
        return runnable instanceof HygienicTask ? ((HygienicTask) runnable).task : runnable;
    }

    @Override
    public String toString() {
        return "HygienicTask[" + task + "]";
    }
}
