package dev.hygiene.executors;

import dev.hygiene.core.ThreadHygiene;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Decorators and factories that run every task of an executor under a {@link ThreadHygiene}: a
 * drop-in for {@link java.util.concurrent.Executors}.
 *
 * <pre>{@code
 * ExecutorService pool = HygienicExecutors.wrap(Executors.newFixedThreadPool(8), ThreadHygiene.enforcing());
 * pool.submit(() -> handle(request));   // whatever handle() leaves in ThreadLocals is undone
 * }</pre>
 *
 * <p>This class is being built: the wrapping decorators for {@link Executor},
 * {@link ExecutorService} and {@link ScheduledExecutorService} are here; the {@code Executors}-style
 * factories and the thread factory follow.
 */
public final class HygienicExecutors {

    private HygienicExecutors() {
    }

    /**
     * Decorates an executor so that each task runs in a scope of {@code hygiene}. Wrapping an
     * executor that this method already wrapped with the same hygiene returns it as it is: a task
     * never gets two snapshots of the same hygiene. An {@link ExecutorService} gets the decorator of
     * {@link #wrap(ExecutorService, ThreadHygiene)}, a {@link ScheduledExecutorService} that of
     * {@link #wrap(ScheduledExecutorService, ThreadHygiene)}.
     *
     * @param delegate the executor that runs the tasks
     * @param hygiene what to do around each task
     * @return an executor that hands each task to {@code delegate}, wrapped
     * @throws NullPointerException if {@code delegate} or {@code hygiene} is null
     */
    public static Executor wrap(Executor delegate, ThreadHygiene hygiene) {
        Objects.requireNonNull(delegate, "delegate");
        Objects.requireNonNull(hygiene, "hygiene");
        if (delegate instanceof ExecutorService) {
            return wrap((ExecutorService) delegate, hygiene);
        }
        if (delegate instanceof HygienicExecutor && ((HygienicExecutor) delegate).hygiene == hygiene) {
            return delegate;
        }
        return new HygienicExecutor(delegate, hygiene);
    }

    /**
     * Decorates an executor service so that each task runs in a scope of {@code hygiene}:
     * {@code execute}, the three {@code submit}s, both {@code invokeAll}s and both
     * {@code invokeAny}s. {@code shutdown}, {@code shutdownNow}, {@code isShutdown},
     * {@code isTerminated}, {@code awaitTermination} and {@code close} go to the delegate;
     * {@code shutdownNow} returns what the delegate would have returned without the decorator: the
     * caller's runnables and the futures of its submissions. A {@code RejectedExecutionException}
     * of the delegate reaches the caller unchanged. Wrapping an executor service that this method
     * already wrapped with the same hygiene returns it as it is. A {@link ScheduledExecutorService}
     * gets the decorator of {@link #wrap(ScheduledExecutorService, ThreadHygiene)}.
     *
     * @param delegate the executor service that runs the tasks
     * @param hygiene what to do around each task
     * @return an executor service that hands each task to {@code delegate}, wrapped
     * @throws NullPointerException if {@code delegate} or {@code hygiene} is null
     */
    public static ExecutorService wrap(ExecutorService delegate, ThreadHygiene hygiene) {
        Objects.requireNonNull(delegate, "delegate");
        Objects.requireNonNull(hygiene, "hygiene");
        if (delegate instanceof ScheduledExecutorService) {
            return wrap((ScheduledExecutorService) delegate, hygiene);
        }
        if (delegate instanceof HygienicExecutorService && ((HygienicExecutorService) delegate).hygiene == hygiene) {
            return delegate;
        }
        return new HygienicExecutorService(delegate, hygiene);
    }

    /**
     * Decorates a scheduled executor service like {@link #wrap(ExecutorService, ThreadHygiene)},
     * and also both {@code schedule}s, {@code scheduleAtFixedRate} and
     * {@code scheduleWithFixedDelay}: a periodic task runs in a scope of its own on every run. The
     * returned futures are the delegate's. Wrapping a scheduled executor service that this method
     * already wrapped with the same hygiene returns it as it is.
     *
     * @param delegate the scheduled executor service that runs the tasks
     * @param hygiene what to do around each task and each run of a periodic task
     * @return a scheduled executor service that hands each task to {@code delegate}, wrapped
     * @throws NullPointerException if {@code delegate} or {@code hygiene} is null
     */
    public static ScheduledExecutorService wrap(ScheduledExecutorService delegate, ThreadHygiene hygiene) {
        Objects.requireNonNull(delegate, "delegate");
        Objects.requireNonNull(hygiene, "hygiene");
        if (delegate instanceof HygienicScheduledExecutorService
                && ((HygienicScheduledExecutorService) delegate).hygiene == hygiene) {
            return delegate;
        }
        return new HygienicScheduledExecutorService(delegate, hygiene);
    }
}
