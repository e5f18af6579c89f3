package dev.hygiene.executors;

import dev.hygiene.core.ThreadHygiene;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * Decorators and factories that run every task of an executor under a {@link ThreadHygiene}: a
 * drop-in for {@link java.util.concurrent.Executors}.
 *
 * <pre>{@code
 * ExecutorService pool = HygienicExecutors.wrap(Executors.newFixedThreadPool(8), ThreadHygiene.enforcing());
 * pool.submit(() -> handle(request));   // whatever handle() leaves in ThreadLocals is undone
 * }</pre>
 *
 * <p>This class is being built: the wrapping decorators for {@link Executor} and
 * {@link ExecutorService} are here; the scheduled decorator, the {@code Executors}-style factories
 * and the thread factory follow.
 */
public final class HygienicExecutors {

    private HygienicExecutors() {
    }

    /**
     * Decorates an executor so that each task runs in a scope of {@code hygiene}. Wrapping an
     * executor that this method already wrapped with the same hygiene returns it as it is: a task
     * never gets two snapshots of the same hygiene. An {@link ExecutorService} gets the decorator of
     * {@link #wrap(ExecutorService, ThreadHygiene)}.
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
     * already wrapped with the same hygiene returns it as it is.
     *
     * @param delegate the executor service that runs the tasks
     * @param hygiene what to do around each task
     * @return an executor service that hands each task to {@code delegate}, wrapped
     * @throws NullPointerException if {@code delegate} or {@code hygiene} is null
     */
    public static ExecutorService wrap(ExecutorService delegate, ThreadHygiene hygiene) {
        Objects.requireNonNull(delegate, "delegate");
        Objects.requireNonNull(hygiene, "hygiene");
        if (delegate instanceof HygienicExecutorService && ((HygienicExecutorService) delegate).hygiene == hygiene) {
            return delegate;
        }
        return new HygienicExecutorService(delegate, hygiene);
    }
}
