package dev.hygiene.executors;

import dev.hygiene.core.internal.ScopedRunnable;
import dev.hygiene.core.ThreadHygiene;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link HygienicExecutors#wrap(ExecutorService, ThreadHygiene)}: every task reaches the delegate
 * through {@link #execute}, wrapped once; {@code submit}, {@code invokeAll} and {@code invokeAny}
 * build their {@code FutureTask}s here, as {@link AbstractExecutorService} does, so that
 * {@link #shutdownNow()} returns exactly what a plain pool would: the caller's runnables and the
 * futures of its submissions, never a wrapper. Lifecycle methods go to the delegate.
 */
class HygienicExecutorService extends AbstractExecutorService {

    private final ExecutorService delegate;
    final ThreadHygiene hygiene;

    HygienicExecutorService(ExecutorService delegate, ThreadHygiene hygiene) {
        this.delegate = delegate;
        this.hygiene = hygiene;
    }

    @Override
    public final void execute(Runnable command) {
        delegate.execute(new ScopedRunnable(hygiene, Objects.requireNonNull(command, "command")));
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
        return new TaskFuture<>(runnable, value);
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
        return new TaskFuture<>(callable);
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> pending = delegate.shutdownNow();
        List<Runnable> tasks = new ArrayList<>(pending.size());
        for (Runnable runnable : pending) {
            tasks.add(ScopedRunnable.unwrap(runnable));
        }
        return tasks;
    }

    @Override
    public boolean isShutdown() {
        return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return delegate.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return delegate.awaitTermination(timeout, unit);
    }

    /**
     * Closes the delegate: on JDK 19 and later with its own {@code close()}; on JDK 17, where
     * executors have none, by {@link #shutdown()} and waiting for termination, as JDK 19's does.
     * Overrides {@code ExecutorService.close()} where that exists.
     */
    public void close() {
        Closing.close(delegate);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + hygiene + " over " + delegate + "]";
    }
}
