package dev.hygiene.executors;

import dev.hygiene.core.Mode;
import dev.hygiene.core.ThreadHygiene;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * A fork-join thread factory whose workers start clean: they inherit no
 * {@code InheritableThreadLocal} values from whichever thread happened to make the pool create
 * them, and their context class loader is the system class loader. Made for the common pool:
 * <pre>{@code
 * -Djava.util.concurrent.ForkJoinPool.common.threadFactory=dev.hygiene.executors.HygienicForkJoinWorkerThreadFactory
 * }</pre>
 * and usable for any {@code ForkJoinPool}: {@code new ForkJoinPool(n, new
 * HygienicForkJoinWorkerThreadFactory(hygiene), null, false)}.
 *
 * <p>{@code ForkJoinPool} has no per-task hook that a thread factory could use, so this factory
 * alone gives no per-task snapshot and restore. Per-task hygiene on a fork-join pool, the common
 * pool included, comes from wrapping it: {@code HygienicExecutors.wrap(ForkJoinPool.commonPool(),
 * hygiene)}, which is also the executor to hand to {@code CompletableFuture.*Async}.
 *
 * <p>In {@link Mode#ENFORCE}:
 * <ul>
 * <li>on JDK 19 and later the workers are built with {@code preserveThreadLocals = false}: they
 *     inherit nothing, and the pool itself clears a worker's thread-locals whenever the worker
 *     goes idle;
 * <li>on JDK 17, which has no such option, the JDK's default factory builds the worker and the
 *     values it inherited are removed before it starts ({@link ThreadHygiene#startClean});
 *     between tasks the worker keeps what tasks left, unless they run through the wrapped pool.
 *     The JDK 17 common pool's own workers erase their thread-locals after every top-level task,
 *     through a constructor that only {@code java.util.concurrent} can call: on JDK 17, leave the
 *     common pool's factory alone and wrap the pool instead.
 * </ul>
 * In {@link Mode#AUDIT} and {@link Mode#OFF} the JDK's default factory
 * ({@link ForkJoinPool#defaultForkJoinWorkerThreadFactory}) builds the workers; in audit mode what
 * they inherited is counted as leftovers and left in place.
 */
public final class HygienicForkJoinWorkerThreadFactory implements ForkJoinPool.ForkJoinWorkerThreadFactory {

    private final ThreadHygiene hygiene;
    private final boolean clearing;

    /**
     * A factory with {@link ThreadHygiene#defaults()}, the hygiene configured by the system
     * properties {@code hygiene.mode} and {@code hygiene.retain}. This is the constructor the common
     * pool calls when named in {@code java.util.concurrent.ForkJoinPool.common.threadFactory}.
     *
     * @throws IllegalArgumentException if a hygiene system property has a bad value
     * @throws UnsupportedOperationException if the mode is not {@code off} and
     *         {@link ThreadHygiene#isSupported()} is false
     */
    public HygienicForkJoinWorkerThreadFactory() {
        this(ThreadHygiene.defaults());
    }

    /**
     * A factory with the given hygiene.
     *
     * @param hygiene decides how workers start: clean in {@link Mode#ENFORCE}, built by the JDK's
     *        default factory and audited in {@link Mode#AUDIT}, built by it in {@link Mode#OFF}
     * @throws NullPointerException if {@code hygiene} is null
     */
    public HygienicForkJoinWorkerThreadFactory(ThreadHygiene hygiene) {
        this.hygiene = Objects.requireNonNull(hygiene, "hygiene");
        this.clearing = hygiene.policy().mode() == Mode.ENFORCE && ClearingWorkerThreads.available();
    }

    /**
     * Whether this factory builds workers with {@code preserveThreadLocals = false}: in
     * {@link Mode#ENFORCE} on JDK 19 and later.
     *
     * @return true when the pool clears the thread-locals of this factory's idle workers
     */
    public boolean clearsIdleWorkers() {
        return clearing;
    }

    /**
     * Creates a worker of {@code pool} that starts clean.
     *
     * @param pool the pool the worker works in
     * @return the new, unstarted worker
     * @throws NullPointerException if {@code pool} is null
     */
    @Override
    public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
        Objects.requireNonNull(pool, "pool");
        if (!clearing) {
            return hygiene.startClean(ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool));
        }
        ForkJoinWorkerThread thread = ClearingWorkerThreads.newThread(pool);
        thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
        return hygiene.startClean(thread);
    }

    @Override
    public String toString() {
        return "HygienicForkJoinWorkerThreadFactory[" + hygiene + (clearing ? ", clears idle workers]" : "]");
    }
}
