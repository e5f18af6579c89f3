package dev.hygiene.executors;

import dev.hygiene.core.ThreadHygiene;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ThreadPoolExecutor} that runs every task in a scope of a {@link ThreadHygiene}: the
 * worker is snapshotted in {@link #beforeExecute} and restored (or, in audit mode, counted) in
 * {@link #afterExecute}, whether the task returns or throws. Nothing is allocated per task: the
 * tasks reach the queue as the caller gave them, so {@link #shutdownNow()}, {@link #getQueue()}
 * and {@link #remove(Runnable)} see the caller's own objects.
 *
 * <p>Each constructor of {@code ThreadPoolExecutor} is here with a trailing {@code ThreadHygiene}.
 * <ul>
 * <li><b>Threads.</b> Without a thread factory, workers come from
 *     {@link HygienicExecutors#defaultThreadFactory(ThreadHygiene)}; a given factory is decorated
 *     by {@link HygienicExecutors#threadFactory(ThreadFactory, ThreadHygiene)}, here and in
 *     {@link #setThreadFactory}. Either way a worker starts clean, inheriting no
 *     {@code InheritableThreadLocal} values from the thread whose {@code execute} created it.
 *     {@link #getThreadFactory()} returns the decorated factory.
 * <li><b>Rejection.</b> A task that the rejection handler runs itself, as
 *     {@link ThreadPoolExecutor.CallerRunsPolicy} does on the submitting thread, runs in a scope of
 *     its own, nested in whatever scope that thread is in: closing it restores the submitter's own
 *     state exactly. {@link #getRejectedExecutionHandler()} returns the handler as given. A
 *     {@code RejectedExecutionException} reaches the caller unchanged.
 * <li><b>Sizes</b> are validated as {@code ThreadPoolExecutor} does, with a message that names
 *     the bad value.
 * </ul>
 *
 * <p>Subclasses that override {@code beforeExecute} or {@code afterExecute} call
 * {@code super.beforeExecute} first and {@code super.afterExecute} last, so that what their hooks
 * set on the worker is inside the task's scope and undone with it:
 * <pre>{@code
 * class TimingPool extends HygienicThreadPoolExecutor {
 *     protected void beforeExecute(Thread t, Runnable r) {
 *         super.beforeExecute(t, r);
 *         START.set(System.nanoTime());
 *     }
 *     protected void afterExecute(Runnable r, Throwable t) {
 *         record(System.nanoTime() - START.get());
 *         super.afterExecute(r, t);
 *     }
 * }
 * }</pre>
 */
public class HygienicThreadPoolExecutor extends ThreadPoolExecutor {

    private final PoolHooks hooks;

    /**
     * Creates a pool with the default hygienic thread factory and the default rejection policy
     * ({@link ThreadPoolExecutor.AbortPolicy}).
     *
     * @param corePoolSize the number of threads to keep, even if idle
     * @param maximumPoolSize the most threads the pool may have
     * @param keepAliveTime how long threads beyond the core wait for work before ending
     * @param unit the unit of {@code keepAliveTime}
     * @param workQueue the queue of tasks waiting for a thread
     * @param hygiene what to do around each task
     * @throws IllegalArgumentException if {@code corePoolSize < 0}, {@code keepAliveTime < 0},
     *         {@code maximumPoolSize <= 0} or {@code maximumPoolSize < corePoolSize}
     * @throws NullPointerException if {@code unit}, {@code workQueue} or {@code hygiene} is null
     */
    public HygienicThreadPoolExecutor(int corePoolSize, int maximumPoolSize, long keepAliveTime, TimeUnit unit,
            BlockingQueue<Runnable> workQueue, ThreadHygiene hygiene) {
        this(corePoolSize, maximumPoolSize, keepAliveTime, unit, workQueue,
                HygienicExecutors.defaultThreadFactory(hygiene), new AbortPolicy(), hygiene);
    }

    /**
     * Creates a pool with the default rejection policy ({@link ThreadPoolExecutor.AbortPolicy}).
     *
     * @param corePoolSize the number of threads to keep, even if idle
     * @param maximumPoolSize the most threads the pool may have
     * @param keepAliveTime how long threads beyond the core wait for work before ending
     * @param unit the unit of {@code keepAliveTime}
     * @param workQueue the queue of tasks waiting for a thread
     * @param threadFactory makes the workers; decorated so that they start clean
     * @param hygiene what to do around each task
     * @throws IllegalArgumentException if {@code corePoolSize < 0}, {@code keepAliveTime < 0},
     *         {@code maximumPoolSize <= 0} or {@code maximumPoolSize < corePoolSize}
     * @throws NullPointerException if {@code unit}, {@code workQueue}, {@code threadFactory} or
     *         {@code hygiene} is null
     */
    public HygienicThreadPoolExecutor(int corePoolSize, int maximumPoolSize, long keepAliveTime, TimeUnit unit,
            BlockingQueue<Runnable> workQueue, ThreadFactory threadFactory, ThreadHygiene hygiene) {
        this(corePoolSize, maximumPoolSize, keepAliveTime, unit, workQueue, threadFactory, new AbortPolicy(),
                hygiene);
    }

    /**
     * Creates a pool with the default hygienic thread factory.
     *
     * @param corePoolSize the number of threads to keep, even if idle
     * @param maximumPoolSize the most threads the pool may have
     * @param keepAliveTime how long threads beyond the core wait for work before ending
     * @param unit the unit of {@code keepAliveTime}
     * @param workQueue the queue of tasks waiting for a thread
     * @param handler what to do with a task the pool cannot take
     * @param hygiene what to do around each task
     * @throws IllegalArgumentException if {@code corePoolSize < 0}, {@code keepAliveTime < 0},
     *         {@code maximumPoolSize <= 0} or {@code maximumPoolSize < corePoolSize}
     * @throws NullPointerException if {@code unit}, {@code workQueue}, {@code handler} or
     *         {@code hygiene} is null
     */
    public HygienicThreadPoolExecutor(int corePoolSize, int maximumPoolSize, long keepAliveTime, TimeUnit unit,
            BlockingQueue<Runnable> workQueue, RejectedExecutionHandler handler, ThreadHygiene hygiene) {
        this(corePoolSize, maximumPoolSize, keepAliveTime, unit, workQueue,
                HygienicExecutors.defaultThreadFactory(hygiene), handler, hygiene);
    }

    /**
     * Creates a pool.
     *
     * @param corePoolSize the number of threads to keep, even if idle
     * @param maximumPoolSize the most threads the pool may have
     * @param keepAliveTime how long threads beyond the core wait for work before ending
     * @param unit the unit of {@code keepAliveTime}
     * @param workQueue the queue of tasks waiting for a thread
     * @param threadFactory makes the workers; decorated so that they start clean
     * @param handler what to do with a task the pool cannot take
     * @param hygiene what to do around each task
     * @throws IllegalArgumentException if {@code corePoolSize < 0}, {@code keepAliveTime < 0},
     *         {@code maximumPoolSize <= 0} or {@code maximumPoolSize < corePoolSize}
     * @throws NullPointerException if {@code unit}, {@code workQueue}, {@code threadFactory},
     *         {@code handler} or {@code hygiene} is null
     */
    public HygienicThreadPoolExecutor(int corePoolSize, int maximumPoolSize, long keepAliveTime, TimeUnit unit,
            BlockingQueue<Runnable> workQueue, ThreadFactory threadFactory, RejectedExecutionHandler handler,
            ThreadHygiene hygiene) {
        super(Checks.poolSizes(corePoolSize, maximumPoolSize, keepAliveTime), maximumPoolSize, keepAliveTime,
                Checks.notNull(unit, "unit"), Checks.notNull(workQueue, "workQueue"),
                PoolHooks.threadFactory(threadFactory, hygiene), PoolHooks.rejection(handler, hygiene));
        this.hooks = new PoolHooks(hygiene, handler);
    }

    /**
     * The hygiene that this pool applies around each task.
     *
     * @return the hygiene given at construction
     */
    public ThreadHygiene hygiene() {
        return hooks.hygiene();
    }

    /**
     * Opens the task's scope: {@link ThreadHygiene#beforeTask(Object)}. Subclasses call this
     * first.
     *
     * @param t the thread that will run task {@code r}
     * @param r the task that will be executed
     */
    @Override
    protected void beforeExecute(Thread t, Runnable r) {
        hooks.beforeExecute(r);
    }

    /**
     * Closes the task's scope: {@link ThreadHygiene#afterTask()}, which restores the worker (or
     * counts what the task left). Subclasses call this last.
     *
     * @param r the runnable that has completed
     * @param t the exception that ended it, or null if it completed normally
     */
    @Override
    protected void afterExecute(Runnable r, Throwable t) {
        hooks.afterExecute(t);
    }

    /**
     * Builds the future of a submitted runnable: a {@code FutureTask} that also remembers the
     * runnable, so that leftovers are attributed to its type.
     *
     * @param runnable the submitted task
     * @param value the result the future returns
     * @param <T> the result type
     * @return the future to run
     */
    @Override
    protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
        return new TaskFuture<>(runnable, value);
    }

    /**
     * Builds the future of a submitted callable: a {@code FutureTask} that also remembers the
     * callable, so that leftovers are attributed to its type.
     *
     * @param callable the submitted task
     * @param <T> the result type
     * @return the future to run
     */
    @Override
    protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
        return new TaskFuture<>(callable);
    }

    /**
     * Executes the task some time in the future, as {@link ThreadPoolExecutor#execute} does.
     *
     * @param command the task to execute
     * @throws java.util.concurrent.RejectedExecutionException at the discretion of the rejection
     *         handler, if the task cannot be accepted
     * @throws NullPointerException if {@code command} is null
     */
    @Override
    public void execute(Runnable command) {
        super.execute(hooks.command(command));
    }

    /**
     * Sets the thread factory for new workers, decorated so that they start clean.
     *
     * @param threadFactory the new thread factory
     * @throws NullPointerException if {@code threadFactory} is null
     */
    @Override
    public void setThreadFactory(ThreadFactory threadFactory) {
        super.setThreadFactory(hooks.newThreadFactory(threadFactory));
    }

    /**
     * Sets the handler for tasks the pool cannot take; a task that it runs itself runs in a scope
     * of its own.
     *
     * @param handler the new handler
     * @throws NullPointerException if {@code handler} is null
     */
    @Override
    public void setRejectedExecutionHandler(RejectedExecutionHandler handler) {
        super.setRejectedExecutionHandler(hooks.newHandler(handler));
    }

    /**
     * The handler for tasks the pool cannot take, as given to the constructor or
     * {@link #setRejectedExecutionHandler}.
     *
     * @return the current handler
     */
    @Override
    public RejectedExecutionHandler getRejectedExecutionHandler() {
        return hooks.handler();
    }
}
