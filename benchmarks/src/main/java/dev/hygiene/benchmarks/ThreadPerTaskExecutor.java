package dev.hygiene.benchmarks;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The "new platform thread per task" peer: {@link #execute} starts a new platform thread for every
 * task, as JDK 21's {@code Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory())} does,
 * written out here because the module compiles for JDK 17. A thread that is never reused needs no
 * cleanup: each task starts with empty maps, and what it leaves dies with its thread.
 */
final class ThreadPerTaskExecutor extends AbstractExecutorService {

    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean shutdown;

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (shutdown) {
            throw new RejectedExecutionException("the executor was shut down");
        }
        running.incrementAndGet();
        new TaskThread(task, running).start();
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && running.get() == 0;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!isTerminated()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    /** One task's thread; it counts itself out when the task ends. */
    private static final class TaskThread extends Thread {

        private final Runnable task;
        private final AtomicInteger running;

        TaskThread(Runnable task, AtomicInteger running) {
            this.task = task;
            this.running = running;
        }

        @Override
        public void run() {
            try {
                task.run();
            } finally {
                running.decrementAndGet();
            }
        }
    }
}
