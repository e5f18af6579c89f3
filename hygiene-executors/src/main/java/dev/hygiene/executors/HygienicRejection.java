package dev.hygiene.executors;

import dev.hygiene.core.internal.ScopedRunnable;
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
        handler.rejectedExecution(new ScopedRunnable(hygiene, r), executor);
    }
}
