package dev.hygiene.benchmarks;

import dev.hygiene.core.HygieneStats;
import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.executors.HygienicExecutors;
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
 * How the cost of one task's scope scales (DESIGN.md: "cost grows with the map's capacity and with
 * what the task changed, never with the number of tasks run before"):
 * <ul>
 * <li>{@link #afterTasks}: with {@link History#tasksBefore} tasks already run on the worker by the
 *     same hygiene. Must stay flat.
 * <li>{@link #mapEntries}: with {@link MapSize#entries} live entries in the worker's map. Grows with
 *     the table's capacity, as the snapshot walks it.
 * </ul>
 *
 * <p>Each measured task is a request that puts its context in a thread-local (one entry added, which
 * ENFORCE removes), run between {@code ThreadHygiene.beforeTask(task)} and {@code afterTask()}, the
 * calls {@code HygienicThreadPoolExecutor} makes around each task, on a {@code HygienicThread} of
 * hygiene's default factory, as in that pool. The worker also holds 8 (or {@code entries}) entries of
 * its own, set before its first task.
 *
 * <p><b>Why single shots on a fresh worker.</b> A time-based iteration would run millions of tasks,
 * so after warmup every trial would have a long history whatever {@code tasksBefore} said. Here each
 * iteration gets a new worker thread and a new {@code ThreadHygiene} (so new stats), runs one task to
 * create hygiene's state for that thread, then {@code tasksBefore} history tasks, all in the
 * untimed iteration setup; then the timed part runs 10,000 tasks on that worker, handed over as one
 * runnable (waking the parked worker and then the benchmark thread takes some tens of microseconds,
 * a few nanoseconds per task, alike in every case). So a measurement sees exactly
 * {@code 1 + tasksBefore} earlier tasks, and 10,000 more at most. The score is ns per task
 * ({@code @OperationsPerInvocation}).
 *
 * <p>JIT compilation is shared across iterations: warmup iterations compile the same code the
 * measured ones run; and before the first of them, each trial takes 200 throwaway workers through an
 * iteration's whole life (1,000 history tasks, 2,000 measured ones each). Without that, the paths that
 * only a fresh worker takes are missing from the profile when the JIT first compiles, so the first
 * iterations deoptimize and recompile, with the compiler threads competing with the measurement for
 * the two cores: a smoke run showed some 2 µs per task at {@code tasksBefore=0} against 0.2 µs after a
 * long history, an artefact of the harness, not of hygiene.
 *
 * <p>History tasks are harsher than the measured one: each also sets a {@code ThreadLocal} created
 * for it, as a library that makes a thread-local per call would, so a history of a million tasks puts
 * a million distinct keys through hygiene. Anything kept per key, per task or per leftover would show
 * as growth here. They run from a loop of their own, so the measured loop's call site only ever sees
 * the measured task.
 *
 * <p><b>Allocation.</b> JMH's GC profiler divides what was allocated during the whole iteration, its
 * setup included, by the 10,000 tasks. So B/op reads as the task's own only at {@code tasksBefore=0}
 * and small maps (about 32 B: the entry the task adds, which ENFORCE removes); with a history or a big
 * map it also counts the setup's history tasks and thread-locals.
 *
 * <p>Hygiene logs the first leftover of each type, once per hygiene, so once per iteration here; the
 * trial turns the {@code dev.hygiene} logger down to SEVERE to keep the output readable (its
 * warnings are about the tasks, which leave their context on purpose).
 *
 * <p><b>Checks</b>, after each iteration, on the worker: its own entries kept their values, the
 * context is gone, and the hygiene counted exactly every task run and every leftover (one per
 * measured task, two per history task). A failed check fails the run with {@code -foe true}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 20)
@Measurement(iterations = 30)
@Fork(value = 2, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "-XX:+AlwaysPreTouch"})
public class ScalingBenchmark {

    /** Tasks per measurement. */
    static final int TASKS = 10_000;

    /** A fresh worker with a history of {@link #tasksBefore} tasks, 8 entries of its own. */
    @State(Scope.Benchmark)
    public static class History {

        @Param({"0", "100000", "1000000"})
        int tasksBefore;

        FreshWorker worker;

        @Setup(Level.Trial)
        public void compile() throws Exception {
            FreshWorker.compile(8);
        }

        @Setup(Level.Iteration)
        public void start() throws Exception {
            worker = new FreshWorker(8, tasksBefore);
        }

        @TearDown(Level.Iteration)
        public void check() throws Exception {
            worker.checkAndStop();
        }
    }

    /** A fresh worker with {@link #entries} entries of its own and no history. */
    @State(Scope.Benchmark)
    public static class MapSize {

        @Param({"8", "64", "256", "1024"})
        int entries;

        FreshWorker worker;

        @Setup(Level.Trial)
        public void compile() throws Exception {
            FreshWorker.compile(entries);
        }

        @Setup(Level.Iteration)
        public void start() throws Exception {
            worker = new FreshWorker(entries, 0);
        }

        @TearDown(Level.Iteration)
        public void check() throws Exception {
            worker.checkAndStop();
        }
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void afterTasks(History history) throws Exception {
        history.worker.run(TASKS);
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void mapEntries(MapSize map) throws Exception {
        map.worker.run(TASKS);
    }

    /**
     * One new worker thread, as a {@code HygienicThreadPoolExecutor} makes it, with its own entries
     * and history, driven through a plain single-thread pool so that nothing but the tasks' own
     * scopes runs hygiene on it.
     */
    static final class FreshWorker {

        /** Held, so that the level set on it stays (the logging framework holds loggers weakly). */
        private static final java.util.logging.Logger HYGIENE_LOG = java.util.logging.Logger.getLogger("dev.hygiene");

        /**
         * Compiles the code that an iteration runs, on throwaway workers, and quiets hygiene's
         * leftover log. Each throwaway worker goes through an iteration's whole life (a new thread and
         * hygiene, a first task, history, measured tasks, the checks), so that the paths a fresh
         * worker takes once are in the profile when the JIT compiles: otherwise the first iterations
         * deoptimize and recompile, and the compiler threads compete with the measurement for the two
         * cores.
         */
        static void compile(int entries) throws Exception {
            HYGIENE_LOG.setLevel(java.util.logging.Level.SEVERE);
            for (int i = 0; i < 200; i++) {
                FreshWorker worker = new FreshWorker(entries, 1_000);
                for (int j = 0; j < 10; j++) {
                    worker.run(200);
                }
                worker.checkAndStop();
            }
        }

        private final ThreadHygiene hygiene = ThreadHygiene.enforcing();
        private final ThreadPoolExecutor thread;
        private final ThreadLocal<Object>[] existing;
        private final Object[] existingValues;
        private final ThreadLocal<Object> context = new ThreadLocal<>();
        private final Runnable request = new ContextRequest(context);
        private final int tasksBefore;
        /** Measured tasks run, the first one included; written on the worker, read after a future's get. */
        private long measured;

        @SuppressWarnings("unchecked")
        FreshWorker(int entries, int tasksBefore) throws Exception {
            this.tasksBefore = tasksBefore;
            thread = new ThreadPoolExecutor(1, 1, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                    HygienicExecutors.defaultThreadFactory(hygiene));
            existing = (ThreadLocal<Object>[]) new ThreadLocal<?>[entries];
            existingValues = new Object[entries];
            for (int i = 0; i < entries; i++) {
                existing[i] = new ThreadLocal<>();
                existingValues[i] = "existing" + i;
            }
            thread.submit(() -> {
                for (int i = 0; i < existing.length; i++) {
                    existing[i].set(existingValues[i]);
                }
                measured(1);
                history(tasksBefore);
            }).get();
        }

        /** Runs {@code tasks} measured tasks on the worker and waits for them. */
        void run(int tasks) throws Exception {
            thread.submit(() -> measured(tasks)).get();
        }

        private void measured(int tasks) {
            ThreadHygiene hygiene = this.hygiene;
            Runnable request = this.request;
            for (int i = 0; i < tasks; i++) {
                hygiene.beforeTask(request);
                try {
                    request.run();
                } finally {
                    hygiene.afterTask();
                }
            }
            measured += tasks;
        }

        private void history(int tasks) {
            ThreadHygiene hygiene = this.hygiene;
            ThreadLocal<Object> context = this.context;
            for (int i = 0; i < tasks; i++) {
                LeakyRequest task = new LeakyRequest(context);
                hygiene.beforeTask(task);
                try {
                    task.run();
                } finally {
                    hygiene.afterTask();
                }
            }
        }

        void checkAndStop() throws Exception {
            try {
                String problem = thread.submit(() -> {
                    for (int i = 0; i < existing.length; i++) {
                        if (existing[i].get() != existingValues[i]) {
                            return "existing entry " + i + " lost its value";
                        }
                    }
                    // get() of an absent entry adds one with a null value; harmless, the worker is done.
                    return context.get() == null ? null : "a task's context survived its scope";
                }).get();
                if (problem != null) {
                    throw new IllegalStateException(problem);
                }
                HygieneStats stats = hygiene.stats();
                long tasks = measured + tasksBefore;
                long leftovers = measured + 2L * tasksBefore;
                if (stats.tasks() != tasks || stats.leftovers() != leftovers) {
                    throw new IllegalStateException("hygiene counted " + stats.tasks() + " tasks and "
                            + stats.leftovers() + " leftovers, expected " + tasks + " and " + leftovers);
                }
            } finally {
                thread.shutdown();
                if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the worker did not end within 10 s");
                }
            }
        }
    }

    /** The measured task: puts its context in a thread-local and leaves it, for ENFORCE to remove. */
    static final class ContextRequest implements Runnable {

        private final ThreadLocal<Object> context;

        ContextRequest(ThreadLocal<Object> context) {
            this.context = context;
        }

        @Override
        public void run() {
            context.set(this);
        }
    }

    /** A history task: as {@link ContextRequest}, and also sets a thread-local made for it alone. */
    static final class LeakyRequest implements Runnable {

        private final ThreadLocal<Object> context;

        LeakyRequest(ThreadLocal<Object> context) {
            this.context = context;
        }

        @Override
        public void run() {
            context.set(this);
            new ThreadLocal<>().set(this);
        }
    }
}
