package dev.hygiene.executors;

import dev.hygiene.core.ThreadHygiene;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Decorates a pool's rejection handler: the handler gets the rejected task wrapped, so that if it
 * runs the task itself (as {@code CallerRunsPolicy} does, on the submitting thread) the task gets a
 * scope of its own, nested in the submitter's. Allocates only on rejection.
 */
final class HygienicRejection implements RejectedExecutionHandler {

    private final RejectedExecutionHandler handler;
    private final ThreadHygiene hygiene;

    HygienicRejection(RejectedExecutionHandler handler, ThreadHygiene hygiene) {
        this.handler = handler;
        this.hygiene = hygiene;
    }

    @Override
    public void rejectedExecution(Runnable r, ThreadPoolExecutor executor) {
        handler.rejectedExecution(new RejectedTask(r, hygiene), executor);
    }

    /** The caller's task for a rejected one handed back to {@code execute}, any other as it is. */
    static Runnable unwrap(Runnable runnable) {
        return runnable instanceof RejectedTask ? ((RejectedTask) runnable).task : runnable;
    }

    /**
     * A rejected task as the handler sees it. Its {@code toString} is the task's, so that the
     * message of {@code AbortPolicy}'s exception is exactly what a plain pool's would be.
     */
    static final class RejectedTask extends HygienicTask {
        RejectedTask(Runnable task, ThreadHygiene hygiene) {
            super(task, hygiene);
        }

        @Override
        public String toString() {
            return task.toString();
        }
    }
}
