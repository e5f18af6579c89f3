package dev.hygiene.benchmarks;

import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.executors.HygienicThreadPoolExecutor;
import java.lang.management.ManagementFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The zero-code agent beside {@code HygienicThreadPoolExecutor} (DESIGN.md, "Performance budget": a
 * pool instrumented by the agent within 3% of {@code HygienicThreadPoolExecutor}): the batch of
 * {@link PoolBenchmark#batch}, 1,000 {@link Request}s through a pool of two workers, in two kinds of
 * JVM:
 * <ul>
 * <li>{@link #plainJvm}: no agent, {@code --add-opens java.base/java.lang=ALL-UNNAMED};
 * <li>{@link #agentJvm}: started with {@code -javaagent:benchmarks/target/hygiene-agent.jar} (ENFORCE),
 *     which opens {@code java.lang} itself ({@code benchmarks/run.sh} prepends its {@code --add-opens}
 *     to every fork all the same; it changes nothing here). The path is relative because a
 *     {@code @Fork} option is a constant: run from the project root, which {@code benchmarks/run.sh}
 *     does. The benchmarks module's build copies the agent jar there.
 * </ul>
 * and two pools ({@link Pool#pool}): {@code bare}, a {@code ThreadPoolExecutor(2, 2)} as
 * {@code Executors.newFixedThreadPool(2)} builds it, and {@code hygienic}, a
 * {@code HygienicThreadPoolExecutor(2, 2)} with {@code ThreadHygiene.enforcing()}. So
 * {@code agentJvm} with {@code pool=bare} is the agent's figure, {@code plainJvm} with
 * {@code pool=hygienic} the one it is held to ({@code benchmarks/report.py} gives every row's ratio
 * to it), {@code plainJvm} with {@code pool=bare} what hygiene costs at all, and {@code agentJvm}
 * with {@code pool=hygienic} a hygienic pool under the agent, where the pool's own hygiene does the
 * work and the agent's loop only sees that a scope is open.
 *
 * <p><b>Checks.</b> The trial's teardown fails the run (with {@code -foe true}) if a JVM is not what
 * the method says (the agent's MBean {@code dev.hygiene:type=ThreadHygiene,name=agent} registered
 * in {@link #agentJvm} only), if a bare pool without the agent does not keep a request's context
 * (with {@code requests=leaveContext}: the control), if a cleaned pool does, or if the agent's
 * hygiene did not count every request of a bare pool under it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
public class AgentBenchmark {

    static final int BATCH = PoolBenchmark.BATCH;
    static final int THREADS = PoolBenchmark.THREADS;
    static final String AGENT_MBEAN = "dev.hygiene:type=ThreadHygiene,name=agent";

    /** The pool under test, its requests, and what the JVM it runs in should be. */
    @State(Scope.Benchmark)
    public static class Pool {

        /** {@code bare} or {@code hygienic}: see the class comment. */
        @Param({"bare", "hygienic"})
        String pool;

        /** As in {@link PoolBenchmark.Pool#requests}: {@code leaveContext} or {@code touchNothing}. */
        @Param({"leaveContext", "touchNothing"})
        String requests;

        ThreadPoolExecutor executor;
        ThreadLocal<Object> context;
        final Request.Batch batch = new Request.Batch();
        Request[] batchRequests;
        boolean underAgent;
        long agentTasksBefore;
        long submitted;

        @Setup(Level.Trial)
        public void start(BenchmarkParams params) throws Exception {
            boolean agentMethod = params.getBenchmark().endsWith(".agentJvm");
            underAgent = agentTasks() >= 0;
            if (underAgent != agentMethod) {
                throw new IllegalStateException(params.getBenchmark() + " runs in a JVM " + (underAgent ? "with" : "without")
                        + " hygiene's agent (MBean " + AGENT_MBEAN + (underAgent ? " registered" : " absent") + "); agentJvm "
                        + "needs -javaagent:benchmarks/target/hygiene-agent.jar, relative to the project root: run "
                        + "benchmarks/run.sh, and give no -jvmArgsAppend, which replaces the one in @Fork");
            }
            context = new ThreadLocal<>();
            switch (pool) {
                case "bare":
                    executor = new ThreadPoolExecutor(THREADS, THREADS, 0L, TimeUnit.MILLISECONDS,
                            new LinkedBlockingQueue<>(), Executors.defaultThreadFactory());
                    break;
                case "hygienic":
                    executor = new HygienicThreadPoolExecutor(THREADS, THREADS, 0L, TimeUnit.MILLISECONDS,
                            new LinkedBlockingQueue<>(), ThreadHygiene.enforcing());
                    break;
                default:
                    throw new IllegalArgumentException("unknown pool " + pool + ": bare or hygienic");
            }
            executor.prestartAllCoreThreads();
            ThreadLocal<Object> requestContext;
            switch (requests) {
                case "leaveContext":
                    requestContext = context;
                    break;
                case "touchNothing":
                    requestContext = null;
                    break;
                default:
                    throw new IllegalArgumentException("unknown requests " + requests + ": leaveContext or touchNothing");
            }
            batchRequests = new Request[BATCH];
            for (int i = 0; i < BATCH; i++) {
                batchRequests[i] = new Request(requestContext, false, batch);
            }
            agentTasksBefore = agentTasks();
        }

        @TearDown(Level.Trial)
        public void check() throws Exception {
            boolean dirtyExpected = pool.equals("bare") && !underAgent && requests.equals("leaveContext");
            int dirty = PoolBenchmark.probeWorkers(executor, context);
            if (dirtyExpected && dirty == 0) {
                throw new IllegalStateException("control failed: no worker of the bare pool without the agent kept a "
                        + "request's context, so the probe cannot tell a clean worker from a dirty one");
            }
            if (!dirtyExpected && dirty != 0) {
                throw new IllegalStateException("pool " + pool + (underAgent ? " under the agent" : "") + " left a "
                        + "request's context on " + dirty + " of " + THREADS + " workers: the next task found it");
            }
            executor.shutdown();
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("pool " + pool + " did not terminate within 10 s");
            }
            if (underAgent && pool.equals("bare")) {
                long counted = agentTasks() - agentTasksBefore;
                if (counted < submitted) {
                    throw new IllegalStateException("the agent's hygiene counted " + counted + " tasks, fewer than the "
                            + submitted + " requests of the bare pool under it");
                }
            }
        }

        /** The agent's task count from its MBean, or -1 if this JVM runs without the agent. */
        private static long agentTasks() throws Exception {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(AGENT_MBEAN);
            return server.isRegistered(name) ? (Long) server.getAttribute(name, "Tasks") : -1;
        }
    }

    /**
     * The batch in a JVM without the agent.
     *
     * @param pool the pool and its requests
     * @throws InterruptedException if interrupted while waiting for the batch
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    @Fork(value = 2, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "-XX:+AlwaysPreTouch"})
    public void plainJvm(Pool pool) throws InterruptedException {
        runBatch(pool);
    }

    /**
     * The batch in a JVM started with hygiene's agent and no {@code --add-opens}.
     *
     * @param pool the pool and its requests
     * @throws InterruptedException if interrupted while waiting for the batch
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    @Fork(value = 2, jvmArgsAppend = {"-javaagent:benchmarks/target/hygiene-agent.jar", "-XX:+AlwaysPreTouch"})
    public void agentJvm(Pool pool) throws InterruptedException {
        runBatch(pool);
    }

    private static void runBatch(Pool pool) throws InterruptedException {
        Request.Batch batch = pool.batch;
        batch.start(BATCH);
        ThreadPoolExecutor executor = pool.executor;
        for (Request request : pool.batchRequests) {
            executor.execute(request);
        }
        batch.await();
        pool.submitted += BATCH;
    }
}
