package dev.hygiene.executors;

import dev.hygiene.core.TaskWrapper;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What {@link HygienicScheduledThreadPoolExecutor#decorateTask} returns: the JDK's scheduled task,
 * unchanged, together with the caller's task, so that leftovers are attributed to the caller's
 * task type rather than to {@code ScheduledFutureTask}. One object per schedule, none per run.
 *
 * <p>Two things the JDK's task does only for itself are done here for the wrapper that the queue
 * holds instead: ordering (tasks due at the same time keep their submission order, because
 * {@link #compareTo} compares the JDK's tasks) and removal from the queue on cancellation under
 * {@link ScheduledThreadPoolExecutor#setRemoveOnCancelPolicy}.
 */
final class ScheduledTask<V> implements RunnableScheduledFuture<V>, TaskWrapper {

    private final RunnableScheduledFuture<V> future;
    private final Object task;
    private final ScheduledThreadPoolExecutor pool;

    ScheduledTask(RunnableScheduledFuture<V> future, Object task, ScheduledThreadPoolExecutor pool) {
        this.future = future;
        this.task = task;
        this.pool = pool;
    }

    /** The caller's task, as given to {@code schedule}, {@code submit} or {@code execute}. */
    @Override
    public Object wrappedTask() {
        return task;
    }

    @Override
    public void run() {
        future.run();
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = future.cancel(mayInterruptIfRunning);
        // The JDK's task would remove itself, but the queue holds this wrapper.
        if (cancelled && pool.getRemoveOnCancelPolicy()) {
            pool.remove(this);
        }
        return cancelled;
    }

    @Override
    public boolean isCancelled() {
        return future.isCancelled();
    }

    @Override
    public boolean isDone() {
        return future.isDone();
    }

    @Override
    public V get() throws InterruptedException, ExecutionException {
        return future.get();
    }

    @Override
    public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(timeout, unit);
    }

    @Override
    public boolean isPeriodic() {
        return future.isPeriodic();
    }

    @Override
    public long getDelay(TimeUnit unit) {
        return future.getDelay(unit);
    }

    @Override
    public int compareTo(Delayed other) {
        if (other == this) {
            return 0;
        }
        return future.compareTo(other instanceof ScheduledTask ? ((ScheduledTask<?>) other).future : other);
    }

    @Override
    public String toString() {
        return future.toString();
    }
}
