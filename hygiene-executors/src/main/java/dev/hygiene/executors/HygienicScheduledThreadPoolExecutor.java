package dev.hygiene.executors;

import dev.hygiene.core.ThreadHygiene;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;

/**
 * A {@link ScheduledThreadPoolExecutor} that runs every task in a scope of a
 * {@link ThreadHygiene}, and a periodic task in a scope of its own on every run: the worker is
 * snapshotted in {@link #beforeExecute} and restored (or, in audit mode, counted) in
 * {@link #afterExecute}, with nothing allocated per run. Threads, rejection and the hook rules for
 * subclasses are as in {@link HygienicThreadPoolExecutor}.
 *
 * <p>Each constructor of {@code ScheduledThreadPoolExecutor} is here with a trailing
 * {@code ThreadHygiene}.
 */
public class HygienicScheduledThreadPoolExecutor extends ScheduledThreadPoolExecutor {

    private final PoolHooks hooks;

    /**
     * Creates a pool with the default hygienic thread factory and the default rejection policy.
     *
     * @param corePoolSize the number of threads to keep, even if idle
     * @param hygiene what to do around each task
     * @throws IllegalArgumentException if {@code corePoolSize < 0}
     * @throws NullPointerException if {@code hygiene} is null
     */
    public HygienicScheduledThreadPoolExecutor(int corePoolSize, ThreadHygiene hygiene) {
        this(corePoolSize, HygienicExecutors.defaultThreadFactory(hygiene), new AbortPolicy(), hygiene);
    }

    /**
     * Creates a pool with the default rejection policy.
     *
     * @param corePoolSize the number of threads to keep, even if idle
     * @param threadFactory makes the workers; decorated so that they start clean
     * @param hygiene what to do around each task
     * @throws IllegalArgumentException if {@code corePoolSize < 0}
     * @throws NullPointerException if {@code threadFactory} or {@code hygiene} is null
     */
    public HygienicScheduledThreadPoolExecutor(int corePoolSize, ThreadFactory threadFactory, ThreadHygiene hygiene) {
        this(corePoolSize, threadFactory, new AbortPolicy(), hygiene);
    }

    /**
     * Creates a pool with the default hygienic thread factory.
     *
     * @param corePoolSize the number of threads to keep, even if idle
     * @param handler what to do with a task the pool cannot take
     * @param hygiene what to do around each task
     * @throws IllegalArgumentException if {@code corePoolSize < 0}
     * @throws NullPointerException if {@code handler} or {@code hygiene} is null
     */
    public HygienicScheduledThreadPoolExecutor(int corePoolSize, RejectedExecutionHandler handler,
            ThreadHygiene hygiene) {
        this(corePoolSize, HygienicExecutors.defaultThreadFactory(hygiene), handler, hygiene);
    }

    /**
     * Creates a pool.
     *
     * @param corePoolSize the number of threads to keep, even if idle
     * @param threadFactory makes the workers; decorated so that they start clean
     * @param handler what to do with a task the pool cannot take
     * @param hygiene what to do around each task
     * @throws IllegalArgumentException if {@code corePoolSize < 0}
     * @throws NullPointerException if {@code threadFactory}, {@code handler} or {@code hygiene} is
     *         null
     */
    public HygienicScheduledThreadPoolExecutor(int corePoolSize, ThreadFactory threadFactory,
            RejectedExecutionHandler handler, ThreadHygiene hygiene) {
        super(Checks.corePoolSize(corePoolSize),
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
     * Closes the task's scope: {@link ThreadHygiene#afterTask()}. Subclasses call this last.
     *
     * @param r the runnable that has completed
     * @param t the exception that ended it, or null if it completed normally
     */
    @Override
    protected void afterExecute(Runnable r, Throwable t) {
        hooks.afterExecute(t);
    }

    /**
     * Returns the JDK's task together with {@code runnable}, so that what a run leaves behind is
     * attributed to {@code runnable}'s type. The returned task behaves as {@code task} does; a
     * subclass that decorates tasks itself calls this first and decorates its result.
     *
     * @param runnable the submitted task
     * @param task the task the pool built to run it
     * @param <V> the type of the task's result
     * @return the task to queue and run
     */
    @Override
    protected <V> RunnableScheduledFuture<V> decorateTask(Runnable runnable, RunnableScheduledFuture<V> task) {
        return new ScheduledTask<>(task, runnable, this);
    }

    /**
     * Returns the JDK's task together with {@code callable}, so that what a run leaves behind is
     * attributed to {@code callable}'s type. The returned task behaves as {@code task} does; a
     * subclass that decorates tasks itself calls this first and decorates its result.
     *
     * @param callable the submitted task
     * @param task the task the pool built to run it
     * @param <V> the type of the task's result
     * @return the task to queue and run
     */
    @Override
    protected <V> RunnableScheduledFuture<V> decorateTask(Callable<V> callable, RunnableScheduledFuture<V> task) {
        return new ScheduledTask<>(task, callable, this);
    }

    /**
     * Executes the task with zero delay, as {@link ScheduledThreadPoolExecutor#execute} does.
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
