package dev.hygiene.executors;

import dev.hygiene.core.ThreadHygiene;
import java.lang.ref.Reference;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An executor service that exposes only the {@code ExecutorService} methods of a hygienic pool, so
 * that it cannot be reconfigured, as {@code Executors.newSingleThreadExecutor()} returns. The pool
 * does the hygiene; this passes every call through unchanged. The methods that hand over tasks keep
 * this wrapper reachable until the pool has them, so that {@link AutoShutdownExecutorService}
 * cannot shut the pool down under a caller.
 */
class DelegatedExecutorService implements ExecutorService {

    private final ExecutorService pool;
    final ThreadHygiene hygiene;

    DelegatedExecutorService(ExecutorService pool, ThreadHygiene hygiene) {
        this.pool = pool;
        this.hygiene = hygiene;
    }

    @Override
    public void execute(Runnable command) {
        try {
            pool.execute(command);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void shutdown() {
        pool.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return pool.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return pool.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return pool.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return pool.awaitTermination(timeout, unit);
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        try {
            return pool.submit(task);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        try {
            return pool.submit(task, result);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public Future<?> submit(Runnable task) {
        try {
            return pool.submit(task);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        try {
            return pool.invokeAll(tasks);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        try {
            return pool.invokeAll(tasks, timeout, unit);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return pool.invokeAny(tasks);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return pool.invokeAny(tasks, timeout, unit);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Closes the pool, as {@code ExecutorService.close()} does on JDK 19 and later. */
    public void close() {
        Closing.close(pool);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + pool + "]";
    }
}
