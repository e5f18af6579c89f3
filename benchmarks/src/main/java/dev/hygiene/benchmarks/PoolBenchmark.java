package dev.hygiene.benchmarks;

import com.alibaba.ttl.TransmittableThreadLocal;
import com.alibaba.ttl.threadpool.TtlExecutors;
import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.HygieneStats;
import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.executors.HygienicExecutors;
import dev.hygiene.executors.HygienicThreadPoolExecutor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Short requests through an executor, hygiene beside its peers (DESIGN.md, "Performance budget"):
 * what keeping one request's thread-locals from the next costs a pool that runs short tasks.
 *
 * <ul>
 * <li>{@link #batch}: the benchmark thread submits 1,000 {@link Request}s with {@code execute} and
 *     waits until all have run. Scored per request ({@code @OperationsPerInvocation(1000)}), in
 *     requests per millisecond: the throughput that DESIGN.md's targets compare (hygiene at least 0.95
 *     of {@code bare}, ahead of every other peer).
 * <li>{@link #submitGet}: one request with {@code submit}, then {@code get()}: the round trip of a
 *     caller that waits, in round trips per millisecond. Mostly the cost of waking a parked worker and
 *     then the caller; what a peer adds per task shows less here than in {@link #batch}.
 * <li>{@link #taskWork}: a request's own work alone, on the benchmark thread, in ns: the "about
 *     100 ns" of the task, measured on the machine at hand.
 * </ul>
 *
 * <p>Each request puts its context in a thread-local and works about 100 ns ({@link Request}). The
 * peers ({@link Pool#peer}), each with two workers where it has a pool:
 * <ul>
 * <li>{@code bare}: {@code ThreadPoolExecutor(2, 2)} with a {@code LinkedBlockingQueue}, what
 *     {@code Executors.newFixedThreadPool(2)} builds. Requests leave their context; nothing cleans it,
 *     so the next request on a worker finds the last one's. The reference for every ratio.
 * <li>{@code enforce}: {@code HygienicThreadPoolExecutor(2, 2, ...)} with
 *     {@code ThreadHygiene.enforcing()} and its default thread factory (workers are
 *     {@code HygienicThread}s). Requests leave their context; the pool's {@code afterExecute} restores
 *     the worker's maps to its snapshot, which removes it.
 * <li>{@code audit}: the same pool with {@code ThreadHygiene.auditing()}: each context is counted as a
 *     leftover and left on the worker.
 * <li>{@code off}: the same pool with a hygiene in {@code Mode.OFF}: the kill switch, nothing done.
 * <li>{@code wrap}: {@code HygienicExecutors.wrap(bare pool, ThreadHygiene.enforcing())}: each request
 *     is wrapped at {@code execute} and runs in a scope on a plain worker; the scope's close removes
 *     the context.
 * <li>{@code ttl}: TTL's {@code TtlExecutors.getTtlExecutorService(bare pool)}, and the context is a
 *     {@code TransmittableThreadLocal}: TTL captures the submitter's TTL values at submit (here there
 *     are none), replays them on the worker before the request (removing any other TTL value there),
 *     and restores the worker's own after it, which removes the context. Only TTL instances (and
 *     thread-locals registered with TTL) are handled; a plain {@code ThreadLocal} would be left.
 * <li>{@code wipe}: {@link WipingThreadPoolExecutor}: after each request the worker's two maps are set
 *     to null, as jboss-threads and Mule do.
 * <li>{@code handWrittenRemove}: the bare pool; each request removes its context itself in
 *     {@code finally}.
 * <li>{@code enforceAndRemove}: the {@code enforce} pool running the requests of
 *     {@code handWrittenRemove}: every request cleans up after itself, so hygiene finds nothing and
 *     only checks. Against {@code handWrittenRemove}, this is what hygiene costs a pool whose tasks
 *     are already clean; against {@code enforce}, what cleaning up costs when hygiene does it.
 * <li>{@code virtualThread}: {@code Executors.newVirtualThreadPerTaskExecutor()}, looked up at run time
 *     because the module compiles for JDK 17: a new virtual thread per request, on the JDK's default
 *     scheduler (as many carriers as cores). Needs JDK 21 or later: on an older JDK its setup fails
 *     with a message that says so, and {@code benchmarks/run.sh} leaves the peer out there (it passes
 *     {@code -p peer=...} with every other peer), which is how it is skipped cleanly.
 * <li>{@code newThread}: {@link ThreadPerTaskExecutor}: a new platform thread per request.
 * </ul>
 * In every peer but {@code bare}, {@code audit} and {@code off}, no request finds the context of an
 * earlier one.
 *
 * <p><b>Requests.</b> With {@code requests=leaveContext} (the figures of the runs before
 * 2026-12-03) each request puts its context in a thread-local, as above; with
 * {@code requests=touchNothing} it only works, so that the hygienic peers only check and the batch
 * shows what hygiene costs a pool whose tasks leave nothing (issue 12); then no peer is a dirty
 * control and every hygiene must count no leftover.
 *
 * <p><b>Checks.</b> The trial's teardown fails the run (with {@code -foe true}) if a peer did not do
 * its job: two probe tasks, run at once through the peer so that they land on both workers, read the
 * context. For the cleaning peers neither may find one; for {@code bare}, {@code audit} and {@code off}
 * at least one must (the control that shows the probe can see dirt). Then the executor must terminate
 * within 10 s, and a hygiene in ENFORCE or AUDIT must have counted exactly the tasks submitted (AUDIT:
 * and some leftovers); one in OFF, none. Every batch fails if its requests have not all run within 30 s.
 *
 * <p>Run with {@code -XX:+AlwaysPreTouch} (in {@code @Fork}), which steadies pool benchmarks on the
 * 2-core machine of RESULTS.md, and with {@code -prof gc}; note that the GC profiler's bytes per
 * operation do not see what a thread allocated if it ended before the profiler read it, so for
 * {@code newThread} and {@code virtualThread} they are a lower bound.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "-XX:+AlwaysPreTouch"})
public class PoolBenchmark {

    /** Requests per {@link #batch}. */
    static final int BATCH = 1000;

    /** Workers of every pooled peer. */
    static final int THREADS = 2;

    /** The peer under test: its executor, the thread-local its requests use, and its requests. */
    @State(Scope.Benchmark)
    public static class Pool {

        /** See the class comment for what each peer is. */
        @Param({"bare", "enforce", "audit", "off", "wrap", "ttl", "wipe", "handWrittenRemove", "enforceAndRemove",
                "virtualThread", "newThread"})
        String peer;

        /**
         * What each request does besides its work: {@code leaveContext} puts its context in a
         * thread-local (and, but for the peers that remove it in {@code finally}, leaves it), which is
         * what hygiene's restore has to clean; {@code touchNothing} touches no thread-local at all,
         * the common case of a healthy pool, where hygiene only checks.
         */
        @Param({"leaveContext", "touchNothing"})
        String requests;

        ExecutorService executor;
        /** The hygiene whose stats must count every task, or null. */
        ThreadHygiene hygiene;
        /** Where a request keeps its context on the worker. */
        ThreadLocal<Object> context;
        /** Whether requests leave their context on reused workers: the controls. */
        boolean leavesContext;

        final Request.Batch batch = new Request.Batch();
        Request[] batchRequests;
        Request single;
        /** Requests submitted by the benchmark methods; only the benchmark thread writes it. */
        long submitted;

        @Setup(Level.Trial)
        public void start() throws Throwable {
            context = new ThreadLocal<>();
            boolean removeInFinally = false;
            switch (peer) {
                case "bare":
                    executor = fixedPool();
                    leavesContext = true;
                    break;
                case "enforce":
                    hygiene = ThreadHygiene.enforcing();
                    executor = hygienicPool(hygiene);
                    break;
                case "audit":
                    hygiene = ThreadHygiene.auditing();
                    executor = hygienicPool(hygiene);
                    leavesContext = true;
                    break;
                case "off":
                    hygiene = ThreadHygiene.of(HygienePolicy.builder().mode(dev.hygiene.core.Mode.OFF).build());
                    executor = hygienicPool(hygiene);
                    leavesContext = true;
                    break;
                case "wrap":
                    hygiene = ThreadHygiene.enforcing();
                    executor = HygienicExecutors.wrap(fixedPool(), hygiene);
                    break;
                case "ttl":
                    context = new TransmittableThreadLocal<>();
                    executor = TtlExecutors.getTtlExecutorService(fixedPool());
                    break;
                case "wipe":
                    executor = prestarted(new WipingThreadPoolExecutor(THREADS));
                    break;
                case "handWrittenRemove":
                    executor = fixedPool();
                    removeInFinally = true;
                    break;
                case "enforceAndRemove":
                    hygiene = ThreadHygiene.enforcing();
                    executor = hygienicPool(hygiene);
                    removeInFinally = true;
                    break;
                case "virtualThread":
                    executor = virtualThreadPerTask();
                    break;
                case "newThread":
                    executor = new ThreadPerTaskExecutor();
                    break;
                default:
                    throw new IllegalArgumentException("unknown peer " + peer);
            }
            ThreadLocal<Object> requestContext = context;
            if (requests.equals("touchNothing")) {
                requestContext = null;
                leavesContext = false;
            } else if (!requests.equals("leaveContext")) {
                throw new IllegalArgumentException("unknown requests " + requests + ": leaveContext or touchNothing");
            }
            batchRequests = new Request[BATCH];
            for (int i = 0; i < BATCH; i++) {
                batchRequests[i] = new Request(requestContext, removeInFinally, batch);
            }
            single = new Request(requestContext, removeInFinally, null);
        }

        @TearDown(Level.Trial)
        public void check() throws Exception {
            int dirty = probeWorkers(executor, context);
            if (leavesContext && dirty == 0) {
                throw new IllegalStateException("control failed: no worker of peer " + peer + " kept a request's "
                        + "context, so the probe cannot tell a clean worker from a dirty one");
            }
            if (!leavesContext && dirty != 0) {
                throw new IllegalStateException("peer " + peer + " left a request's context on " + dirty + " of "
                        + THREADS + " workers: the next task found it");
            }
            executor.shutdown();
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("peer " + peer + " did not terminate within 10 s");
            }
            if (hygiene != null) {
                HygieneStats stats = hygiene.stats();
                long expected = hygiene.policy().mode() == dev.hygiene.core.Mode.OFF ? 0 : submitted + THREADS;
                if (stats.tasks() != expected) {
                    throw new IllegalStateException("peer " + peer + ": hygiene counted " + stats.tasks()
                            + " tasks, expected " + expected + " (" + submitted + " requests and " + THREADS
                            + " probes)");
                }
                if (hygiene.policy().mode() == dev.hygiene.core.Mode.AUDIT && requests.equals("leaveContext")
                        && stats.leftovers() == 0) {
                    throw new IllegalStateException("peer audit counted no leftover: every request left its context");
                }
                if ((peer.equals("enforceAndRemove") || requests.equals("touchNothing")) && stats.leftovers() != 0) {
                    throw new IllegalStateException("peer " + peer + " with " + requests + ": hygiene counted "
                            + stats.leftovers() + " leftovers, but no request left anything");
                }
            }
        }

        /** The bare pool: what {@code Executors.newFixedThreadPool(2)} builds, workers started. */
        private static ThreadPoolExecutor fixedPool() {
            return prestarted(new ThreadPoolExecutor(THREADS, THREADS, 0L, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(), Executors.defaultThreadFactory()));
        }

        private static ThreadPoolExecutor hygienicPool(ThreadHygiene hygiene) {
            return prestarted(new HygienicThreadPoolExecutor(THREADS, THREADS, 0L, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(), hygiene));
        }

        /** Starts the workers now, so that no iteration pays for their creation. */
        private static ThreadPoolExecutor prestarted(ThreadPoolExecutor pool) {
            pool.prestartAllCoreThreads();
            return pool;
        }

        private static ExecutorService virtualThreadPerTask() throws Throwable {
            int feature = Runtime.version().feature();
            if (feature < 21) {
                throw new IllegalStateException("peer virtualThread needs JDK 21 or later, this is JDK " + feature
                        + ": benchmarks/run.sh leaves it out there; by hand, pass -p peer=... without it");
            }
            return (ExecutorService) MethodHandles.publicLookup()
                    .findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
                            MethodType.methodType(ExecutorService.class))
                    .invoke();
        }
    }

    /**
     * Runs one probe on each of the {@link #THREADS} workers of {@code executor}, both at once, so
     * that each lands on a worker of its own; each reads {@code context} as the next request would.
     *
     * @return how many probes found a context
     */
    static int probeWorkers(ExecutorService executor, ThreadLocal<Object> context) throws Exception {
        CyclicBarrier together = new CyclicBarrier(THREADS);
        Callable<Boolean> probe = () -> {
            boolean found = context.get() != null;
            if (!found) {
                context.remove(); // what get() added, so that the probe leaves nothing either
            }
            together.await(10, TimeUnit.SECONDS);
            return found;
        };
        Future<?>[] probes = new Future<?>[THREADS];
        for (int i = 0; i < THREADS; i++) {
            probes[i] = executor.submit(probe);
        }
        int dirty = 0;
        for (Future<?> f : probes) {
            if ((Boolean) f.get(20, TimeUnit.SECONDS)) {
                dirty++;
            }
        }
        return dirty;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void batch(Pool pool) throws InterruptedException {
        Request.Batch batch = pool.batch;
        batch.start(BATCH);
        ExecutorService executor = pool.executor;
        for (Request request : pool.batchRequests) {
            executor.execute(request);
        }
        batch.await();
        pool.submitted += BATCH;
    }

    @Benchmark
    public Object submitGet(Pool pool) throws Exception {
        Object result = pool.executor.submit(pool.single, pool.single).get(30, TimeUnit.SECONDS);
        pool.submitted++;
        return result;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void taskWork() {
        Request.work();
    }
}
