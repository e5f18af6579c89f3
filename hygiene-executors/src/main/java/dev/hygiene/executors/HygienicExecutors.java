package dev.hygiene.executors;

import dev.hygiene.core.ThreadHygiene;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Decorators and factories that run every task of an executor under a {@link ThreadHygiene}: a
 * drop-in for {@link java.util.concurrent.Executors}.
 *
 * <pre>{@code
 * ExecutorService pool = HygienicExecutors.wrap(Executors.newFixedThreadPool(8), ThreadHygiene.enforcing());
 * pool.submit(() -> handle(request));   // whatever handle() leaves in ThreadLocals is undone
 * }</pre>
 *
 * <p>Two ways in:
 * <ul>
 * <li><b>Factories</b> with the names, queueing, keep-alive and thread settings of
 *     {@link java.util.concurrent.Executors}: {@link #newFixedThreadPool(int)},
 *     {@link #newCachedThreadPool()}, {@link #newSingleThreadExecutor()},
 *     {@link #newScheduledThreadPool(int)}, {@link #newSingleThreadScheduledExecutor()}. Each comes
 *     with a trailing {@code ThreadHygiene} or without one (then {@link ThreadHygiene#defaults()},
 *     configured by the system properties {@code hygiene.mode} and {@code hygiene.retain}), and with
 *     a {@code ThreadFactory} wherever {@code Executors} has one. Their pools are
 *     {@link HygienicThreadPoolExecutor}s and {@link HygienicScheduledThreadPoolExecutor}s, whose
 *     workers start clean; threads are non-daemon and named {@code hygienic-pool-N-thread-M}.
 * <li><b>Decorators</b>: {@code wrap} an executor you already have, and
 *     {@link #threadFactory(ThreadFactory, ThreadHygiene)} for the threads of one you build.
 * </ul>
 */
public final class HygienicExecutors {

    private HygienicExecutors() {
    }

    /** The class of {@code Executors.newVirtualThreadPerTaskExecutor()} and {@code newThreadPerTaskExecutor}. */
    private static final String THREAD_PER_TASK_EXECUTOR = "java.util.concurrent.ThreadPerTaskExecutor";

    /**
     * A fixed pool of {@code nThreads} workers and an unbounded queue, as
     * {@link java.util.concurrent.Executors#newFixedThreadPool(int)}, with
     * {@link ThreadHygiene#defaults()}.
     *
     * @param nThreads the number of threads
     * @return the new pool, a {@link HygienicThreadPoolExecutor}
     * @throws IllegalArgumentException if {@code nThreads <= 0}, or if a hygiene system property
     *         has a bad value
     */
    public static ExecutorService newFixedThreadPool(int nThreads) {
        return newFixedThreadPool(nThreads, ThreadHygiene.defaults());
    }

    /**
     * A fixed pool of {@code nThreads} workers and an unbounded queue, as
     * {@link java.util.concurrent.Executors#newFixedThreadPool(int)}.
     *
     * @param nThreads the number of threads
     * @param hygiene what to do around each task
     * @return the new pool, a {@link HygienicThreadPoolExecutor}
     * @throws IllegalArgumentException if {@code nThreads <= 0}
     * @throws NullPointerException if {@code hygiene} is null
     */
    public static ExecutorService newFixedThreadPool(int nThreads, ThreadHygiene hygiene) {
        return newFixedThreadPool(nThreads, defaultThreadFactory(hygiene), hygiene);
    }

    /**
     * A fixed pool whose threads {@code threadFactory} makes, as
     * {@link java.util.concurrent.Executors#newFixedThreadPool(int, ThreadFactory)}, with
     * {@link ThreadHygiene#defaults()}.
     *
     * @param nThreads the number of threads
     * @param threadFactory makes the workers; decorated so that they start clean
     * @return the new pool, a {@link HygienicThreadPoolExecutor}
     * @throws IllegalArgumentException if {@code nThreads <= 0}, or if a hygiene system property
     *         has a bad value
     * @throws NullPointerException if {@code threadFactory} is null
     */
    public static ExecutorService newFixedThreadPool(int nThreads, ThreadFactory threadFactory) {
        return newFixedThreadPool(nThreads, threadFactory, ThreadHygiene.defaults());
    }

    /**
     * A fixed pool whose threads {@code threadFactory} makes, as
     * {@link java.util.concurrent.Executors#newFixedThreadPool(int, ThreadFactory)}.
     *
     * @param nThreads the number of threads
     * @param threadFactory makes the workers; decorated so that they start clean
     * @param hygiene what to do around each task
     * @return the new pool, a {@link HygienicThreadPoolExecutor}
     * @throws IllegalArgumentException if {@code nThreads <= 0}
     * @throws NullPointerException if {@code threadFactory} or {@code hygiene} is null
     */
    public static ExecutorService newFixedThreadPool(int nThreads, ThreadFactory threadFactory,
            ThreadHygiene hygiene) {
        Checks.threads(nThreads);
        return new HygienicThreadPoolExecutor(nThreads, nThreads, 0L, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), threadFactory, hygiene);
    }

    /**
     * A pool that creates threads as needed and reuses idle ones, which end after 60 seconds
     * without work, as {@link java.util.concurrent.Executors#newCachedThreadPool()}, with
     * {@link ThreadHygiene#defaults()}.
     *
     * @return the new pool, a {@link HygienicThreadPoolExecutor}
     * @throws IllegalArgumentException if a hygiene system property has a bad value
     */
    public static ExecutorService newCachedThreadPool() {
        return newCachedThreadPool(ThreadHygiene.defaults());
    }

    /**
     * A pool that creates threads as needed and reuses idle ones, as
     * {@link java.util.concurrent.Executors#newCachedThreadPool()}.
     *
     * @param hygiene what to do around each task
     * @return the new pool, a {@link HygienicThreadPoolExecutor}
     * @throws NullPointerException if {@code hygiene} is null
     */
    public static ExecutorService newCachedThreadPool(ThreadHygiene hygiene) {
        return newCachedThreadPool(defaultThreadFactory(hygiene), hygiene);
    }

    /**
     * A pool that creates threads as needed with {@code threadFactory}, as
     * {@link java.util.concurrent.Executors#newCachedThreadPool(ThreadFactory)}, with
     * {@link ThreadHygiene#defaults()}.
     *
     * @param threadFactory makes the workers; decorated so that they start clean
     * @return the new pool, a {@link HygienicThreadPoolExecutor}
     * @throws IllegalArgumentException if a hygiene system property has a bad value
     * @throws NullPointerException if {@code threadFactory} is null
     */
    public static ExecutorService newCachedThreadPool(ThreadFactory threadFactory) {
        return newCachedThreadPool(threadFactory, ThreadHygiene.defaults());
    }

    /**
     * A pool that creates threads as needed with {@code threadFactory}, as
     * {@link java.util.concurrent.Executors#newCachedThreadPool(ThreadFactory)}.
     *
     * @param threadFactory makes the workers; decorated so that they start clean
     * @param hygiene what to do around each task
     * @return the new pool, a {@link HygienicThreadPoolExecutor}
     * @throws NullPointerException if {@code threadFactory} or {@code hygiene} is null
     */
    public static ExecutorService newCachedThreadPool(ThreadFactory threadFactory, ThreadHygiene hygiene) {
        return new HygienicThreadPoolExecutor(0, Integer.MAX_VALUE, 60L, TimeUnit.SECONDS,
                new SynchronousQueue<>(), threadFactory, hygiene);
    }

    /**
     * One worker and an unbounded queue, as
     * {@link java.util.concurrent.Executors#newSingleThreadExecutor()}, with
     * {@link ThreadHygiene#defaults()}: tasks run one at a time, in order. The returned executor
     * cannot be reconfigured, and shuts its pool down when it becomes unreachable.
     *
     * @return the new executor
     * @throws IllegalArgumentException if a hygiene system property has a bad value
     */
    public static ExecutorService newSingleThreadExecutor() {
        return newSingleThreadExecutor(ThreadHygiene.defaults());
    }

    /**
     * One worker and an unbounded queue, as
     * {@link java.util.concurrent.Executors#newSingleThreadExecutor()}.
     *
     * @param hygiene what to do around each task
     * @return the new executor, which cannot be reconfigured
     * @throws NullPointerException if {@code hygiene} is null
     */
    public static ExecutorService newSingleThreadExecutor(ThreadHygiene hygiene) {
        return newSingleThreadExecutor(defaultThreadFactory(hygiene), hygiene);
    }

    /**
     * One worker made by {@code threadFactory}, as
     * {@link java.util.concurrent.Executors#newSingleThreadExecutor(ThreadFactory)}, with
     * {@link ThreadHygiene#defaults()}.
     *
     * @param threadFactory makes the worker; decorated so that it starts clean
     * @return the new executor, which cannot be reconfigured
     * @throws IllegalArgumentException if a hygiene system property has a bad value
     * @throws NullPointerException if {@code threadFactory} is null
     */
    public static ExecutorService newSingleThreadExecutor(ThreadFactory threadFactory) {
        return newSingleThreadExecutor(threadFactory, ThreadHygiene.defaults());
    }

    /**
     * One worker made by {@code threadFactory}, as
     * {@link java.util.concurrent.Executors#newSingleThreadExecutor(ThreadFactory)}.
     *
     * @param threadFactory makes the worker; decorated so that it starts clean
     * @param hygiene what to do around each task
     * @return the new executor, which cannot be reconfigured
     * @throws NullPointerException if {@code threadFactory} or {@code hygiene} is null
     */
    public static ExecutorService newSingleThreadExecutor(ThreadFactory threadFactory, ThreadHygiene hygiene) {
        return new AutoShutdownExecutorService(new HygienicThreadPoolExecutor(1, 1, 0L, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), threadFactory, hygiene), hygiene);
    }

    /**
     * A scheduled pool that keeps {@code corePoolSize} threads, as
     * {@link java.util.concurrent.Executors#newScheduledThreadPool(int)}, with
     * {@link ThreadHygiene#defaults()}.
     *
     * @param corePoolSize the number of threads to keep, even if idle
     * @return the new pool, a {@link HygienicScheduledThreadPoolExecutor}
     * @throws IllegalArgumentException if {@code corePoolSize < 0}, or if a hygiene system property
     *         has a bad value
     */
    public static ScheduledExecutorService newScheduledThreadPool(int corePoolSize) {
        return newScheduledThreadPool(corePoolSize, ThreadHygiene.defaults());
    }

    /**
     * A scheduled pool that keeps {@code corePoolSize} threads, as
     * {@link java.util.concurrent.Executors#newScheduledThreadPool(int)}.
     *
     * @param corePoolSize the number of threads to keep, even if idle
     * @param hygiene what to do around each task and each run of a periodic task
     * @return the new pool, a {@link HygienicScheduledThreadPoolExecutor}
     * @throws IllegalArgumentException if {@code corePoolSize < 0}
     * @throws NullPointerException if {@code hygiene} is null
     */
    public static ScheduledExecutorService newScheduledThreadPool(int corePoolSize, ThreadHygiene hygiene) {
        return newScheduledThreadPool(corePoolSize, defaultThreadFactory(hygiene), hygiene);
    }

    /**
     * A scheduled pool whose threads {@code threadFactory} makes, as
     * {@link java.util.concurrent.Executors#newScheduledThreadPool(int, ThreadFactory)}, with
     * {@link ThreadHygiene#defaults()}.
     *
     * @param corePoolSize the number of threads to keep, even if idle
     * @param threadFactory makes the workers; decorated so that they start clean
     * @return the new pool, a {@link HygienicScheduledThreadPoolExecutor}
     * @throws IllegalArgumentException if {@code corePoolSize < 0}, or if a hygiene system property
     *         has a bad value
     * @throws NullPointerException if {@code threadFactory} is null
     */
    public static ScheduledExecutorService newScheduledThreadPool(int corePoolSize, ThreadFactory threadFactory) {
        return newScheduledThreadPool(corePoolSize, threadFactory, ThreadHygiene.defaults());
    }

    /**
     * A scheduled pool whose threads {@code threadFactory} makes, as
     * {@link java.util.concurrent.Executors#newScheduledThreadPool(int, ThreadFactory)}.
     *
     * @param corePoolSize the number of threads to keep, even if idle
     * @param threadFactory makes the workers; decorated so that they start clean
     * @param hygiene what to do around each task and each run of a periodic task
     * @return the new pool, a {@link HygienicScheduledThreadPoolExecutor}
     * @throws IllegalArgumentException if {@code corePoolSize < 0}
     * @throws NullPointerException if {@code threadFactory} or {@code hygiene} is null
     */
    public static ScheduledExecutorService newScheduledThreadPool(int corePoolSize, ThreadFactory threadFactory,
            ThreadHygiene hygiene) {
        return new HygienicScheduledThreadPoolExecutor(corePoolSize, threadFactory, hygiene);
    }

    /**
     * One scheduling worker, as
     * {@link java.util.concurrent.Executors#newSingleThreadScheduledExecutor()}, with
     * {@link ThreadHygiene#defaults()}.
     *
     * @return the new executor, which cannot be reconfigured
     * @throws IllegalArgumentException if a hygiene system property has a bad value
     */
    public static ScheduledExecutorService newSingleThreadScheduledExecutor() {
        return newSingleThreadScheduledExecutor(ThreadHygiene.defaults());
    }

    /**
     * One scheduling worker, as
     * {@link java.util.concurrent.Executors#newSingleThreadScheduledExecutor()}.
     *
     * @param hygiene what to do around each task and each run of a periodic task
     * @return the new executor, which cannot be reconfigured
     * @throws NullPointerException if {@code hygiene} is null
     */
    public static ScheduledExecutorService newSingleThreadScheduledExecutor(ThreadHygiene hygiene) {
        return newSingleThreadScheduledExecutor(defaultThreadFactory(hygiene), hygiene);
    }

    /**
     * One scheduling worker made by {@code threadFactory}, as
     * {@link java.util.concurrent.Executors#newSingleThreadScheduledExecutor(ThreadFactory)}, with
     * {@link ThreadHygiene#defaults()}.
     *
     * @param threadFactory makes the worker; decorated so that it starts clean
     * @return the new executor, which cannot be reconfigured
     * @throws IllegalArgumentException if a hygiene system property has a bad value
     * @throws NullPointerException if {@code threadFactory} is null
     */
    public static ScheduledExecutorService newSingleThreadScheduledExecutor(ThreadFactory threadFactory) {
        return newSingleThreadScheduledExecutor(threadFactory, ThreadHygiene.defaults());
    }

    /**
     * One scheduling worker made by {@code threadFactory}, as
     * {@link java.util.concurrent.Executors#newSingleThreadScheduledExecutor(ThreadFactory)}.
     *
     * @param threadFactory makes the worker; decorated so that it starts clean
     * @param hygiene what to do around each task and each run of a periodic task
     * @return the new executor, which cannot be reconfigured
     * @throws NullPointerException if {@code threadFactory} or {@code hygiene} is null
     */
    public static ScheduledExecutorService newSingleThreadScheduledExecutor(ThreadFactory threadFactory,
            ThreadHygiene hygiene) {
        return new DelegatedScheduledExecutorService(
                new HygienicScheduledThreadPoolExecutor(1, threadFactory, hygiene), hygiene);
    }

    /**
     * The thread factory of the hygienic pools: threads in the creating thread's group, non-daemon,
     * of normal priority, with the creating thread's context class loader, named
     * {@code hygienic-pool-N-thread-M}, as {@link java.util.concurrent.Executors#defaultThreadFactory()}
     * makes them. They are {@link dev.hygiene.core.HygienicThread}s, which carry hygiene's
     * per-thread state in a field, and they start clean: in {@code ENFORCE} they inherit no
     * {@code InheritableThreadLocal} values; in {@code AUDIT} inherited values are counted.
     *
     * @param hygiene decides how threads start
     * @return a new thread factory, numbered as the next pool
     * @throws NullPointerException if {@code hygiene} is null
     */
    public static ThreadFactory defaultThreadFactory(ThreadHygiene hygiene) {
        return new DefaultHygienicThreadFactory(Objects.requireNonNull(hygiene, "hygiene"));
    }

    /**
     * Decorates a thread factory so that its threads start clean: each thread that
     * {@code delegate} makes goes through {@link ThreadHygiene#startClean(Thread)} before it is
     * returned, so in {@code ENFORCE} it keeps none of the {@code InheritableThreadLocal} values it
     * copied from whichever thread triggered its creation. A factory already decorated for
     * {@code hygiene}, or made by {@link #defaultThreadFactory(ThreadHygiene)} for it, is returned as
     * it is. Threads made by {@code delegate} keep hygiene's per-thread state in a thread-local,
     * unless they are {@link dev.hygiene.core.HygienicThread}s.
     *
     * @param delegate makes the threads
     * @param hygiene decides how threads start
     * @return a thread factory whose threads start clean
     * @throws NullPointerException if {@code delegate} or {@code hygiene} is null
     */
    public static ThreadFactory threadFactory(ThreadFactory delegate, ThreadHygiene hygiene) {
        Objects.requireNonNull(delegate, "delegate");
        Objects.requireNonNull(hygiene, "hygiene");
        if (delegate instanceof HygienicThreadFactory && ((HygienicThreadFactory) delegate).hygiene == hygiene
                || delegate instanceof DefaultHygienicThreadFactory
                        && ((DefaultHygienicThreadFactory) delegate).hygiene == hygiene) {
            return delegate;
        }
        return new HygienicThreadFactory(delegate, hygiene);
    }

    /**
     * Decorates an executor so that each task runs in a scope of {@code hygiene}. Wrapping an
     * executor that already applies the same hygiene to every task (one this method returned, or
     * a hygienic pool of this package) returns it as it is: a task never gets two snapshots of the
     * same hygiene. Wrapping one with another hygiene nests the scopes: the pool's outside, the
     * wrapper's inside, so the wrapper's hygiene is the one that sees and counts what a task left. A thread-per-task executor of the JDK
     * ({@code Executors.newVirtualThreadPerTaskExecutor()}, {@code newThreadPerTaskExecutor}) never
     * reuses a thread, so there is nothing to restore: it is returned as it is, and adds no
     * snapshot work. An {@link ExecutorService} gets the decorator of
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
        if (delegate instanceof HygienicExecutor && ((HygienicExecutor) delegate).hygiene == hygiene
                || runsNoTwoTasksOnOneThread(delegate)) {
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
     * of the delegate reaches the caller unchanged. An executor service that already applies the
     * same hygiene, or a thread-per-task executor, is returned as it is, as in
     * {@link #wrap(Executor, ThreadHygiene)}. A {@link ScheduledExecutorService}
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
        if (hygieneOf(delegate) == hygiene || runsNoTwoTasksOnOneThread(delegate)) {
            return delegate;
        }
        return new HygienicExecutorService(delegate, hygiene);
    }

    /**
     * Decorates a scheduled executor service like {@link #wrap(ExecutorService, ThreadHygiene)},
     * and also both {@code schedule}s, {@code scheduleAtFixedRate} and
     * {@code scheduleWithFixedDelay}: a periodic task runs in a scope of its own on every run. The
     * returned futures are the delegate's. A scheduled executor service that already applies the
     * same hygiene is returned as it is.
     *
     * @param delegate the scheduled executor service that runs the tasks
     * @param hygiene what to do around each task and each run of a periodic task
     * @return a scheduled executor service that hands each task to {@code delegate}, wrapped
     * @throws NullPointerException if {@code delegate} or {@code hygiene} is null
     */
    public static ScheduledExecutorService wrap(ScheduledExecutorService delegate, ThreadHygiene hygiene) {
        Objects.requireNonNull(delegate, "delegate");
        Objects.requireNonNull(hygiene, "hygiene");
        if (hygieneOf(delegate) == hygiene) {
            return delegate;
        }
        return new HygienicScheduledExecutorService(delegate, hygiene);
    }

    /** The hygiene that {@code executor} already applies to every task, or null. */
    private static ThreadHygiene hygieneOf(ExecutorService executor) {
        if (executor instanceof HygienicExecutorService) {
            return ((HygienicExecutorService) executor).hygiene;
        }
        if (executor instanceof HygienicThreadPoolExecutor) {
            return ((HygienicThreadPoolExecutor) executor).hygiene();
        }
        if (executor instanceof HygienicScheduledThreadPoolExecutor) {
            return ((HygienicScheduledThreadPoolExecutor) executor).hygiene();
        }
        if (executor instanceof DelegatedExecutorService) {
            return ((DelegatedExecutorService) executor).hygiene;
        }
        return null;
    }

    /**
     * Whether {@code executor} starts a new thread for every task, as the JDK's thread-per-task
     * executors do (virtual threads among them): no thread is reused, so there is nothing to
     * restore for a next task.
     */
    private static boolean runsNoTwoTasksOnOneThread(Executor executor) {
        return executor.getClass().getName().equals(THREAD_PER_TASK_EXECUTOR);
    }
}
