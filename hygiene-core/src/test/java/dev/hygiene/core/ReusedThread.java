package dev.hygiene.core;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * One pooled worker thread that runs the test's tasks one after another, like a pool of size one.
 * A test runs its steps with and without hygiene on two of these, so that the dirty control and the
 * hygienic run start from the same kind of thread.
 */
public final class ReusedThread implements AutoCloseable {

    private final ExecutorService executor;
    private volatile Thread thread;

    public ReusedThread(String name) {
        this(name, true);
    }

    /**
     * A reused thread that, unless {@code inheritThreadLocals}, starts with no
     * {@code InheritableThreadLocal} values of the thread that runs the test: for tests that count
     * what a thread inherits.
     */
    public ReusedThread(String name, boolean inheritThreadLocals) {
        this(task -> new Thread(null, task, name, 0L, inheritThreadLocals));
    }

    /** A reused thread that {@code factory} makes, such as a {@link HygienicThread}. */
    public ReusedThread(ThreadFactory factory) {
        executor = Executors.newSingleThreadExecutor(task -> {
            Thread t = factory.newThread(task);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        run(() -> { });
    }

    public Thread thread() {
        return thread;
    }

    public <T> T call(Callable<T> task) {
        try {
            return executor.submit(task).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new AssertionError(cause);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public void run(Runnable task) {
        call(() -> {
            task.run();
            return null;
        });
    }

    /** Runs {@code task}, under {@code hygiene} when it is not null, and rethrows what it threw. */
    public void run(ThreadHygiene hygiene, Runnable task) {
        run(hygiene == null ? task : hygiene.wrap(task));
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
