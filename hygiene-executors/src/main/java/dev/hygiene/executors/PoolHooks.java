package dev.hygiene.executors;

import dev.hygiene.core.internal.ScopedRunnable;
import dev.hygiene.core.ThreadHygiene;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadFactory;

/**
 * What both hygienic pools, {@link HygienicThreadPoolExecutor} and
 * {@link HygienicScheduledThreadPoolExecutor}, do in their overridden members: they extend
 * different JDK classes, so each keeps one of these and delegates to it in one line per member.
 */
final class PoolHooks {

    private final ThreadHygiene hygiene;
    /** The rejection handler as the caller gave it; the pool holds it decorated. */
    private volatile RejectedExecutionHandler handler;

    PoolHooks(ThreadHygiene hygiene, RejectedExecutionHandler handler) {
        this.hygiene = hygiene;
        this.handler = handler;
    }

    /** The decorated thread factory for a pool's constructor: workers start clean. */
    static ThreadFactory threadFactory(ThreadFactory threadFactory, ThreadHygiene hygiene) {
        return HygienicExecutors.threadFactory(Checks.notNull(threadFactory, "threadFactory"), hygiene);
    }

    /** The decorated rejection handler for a pool's constructor: a task it runs runs in a scope. */
    static RejectedExecutionHandler rejection(RejectedExecutionHandler handler, ThreadHygiene hygiene) {
        return new HygienicRejection(Checks.notNull(handler, "handler"), hygiene);
    }

    ThreadHygiene hygiene() {
        return hygiene;
    }

    /** {@code beforeExecute}: opens the task's scope. */
    void beforeExecute(Runnable task) {
        hygiene.beforeTask(task);
    }

    /**
     * {@code afterExecute}: closes the task's scope. When {@code afterExecute} throws,
     * {@code ThreadPoolExecutor} calls it once more with what it threw, and the first call has
     * already closed the scope: that second call must not replace the error that is ending the
     * worker with a complaint about unpaired hooks.
     */
    void afterExecute(Throwable failure) {
        try {
            hygiene.afterTask();
        } catch (IllegalStateException unpaired) {
            if (failure == null) {
                throw unpaired;
            }
        }
    }

    /**
     * {@code execute}: the task to queue. A handler such as {@code DiscardOldestPolicy} may hand a
     * rejected task back, and the queue must hold the caller's.
     */
    Runnable command(Runnable command) {
        return ScopedRunnable.unwrap(Checks.notNull(command, "command"), hygiene);
    }

    /** {@code setThreadFactory}: the decorated factory to install. */
    ThreadFactory newThreadFactory(ThreadFactory threadFactory) {
        return threadFactory(threadFactory, hygiene);
    }

    /** {@code setRejectedExecutionHandler}: remembers {@code handler} and returns it decorated. */
    RejectedExecutionHandler newHandler(RejectedExecutionHandler handler) {
        RejectedExecutionHandler decorated = rejection(handler, hygiene);
        this.handler = handler;
        return decorated;
    }

    /** {@code getRejectedExecutionHandler}: the handler as the caller gave it. */
    RejectedExecutionHandler handler() {
        return handler;
    }
}
