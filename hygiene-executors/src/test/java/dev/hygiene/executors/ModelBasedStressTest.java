package dev.hygiene.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.HygienicThread;
import dev.hygiene.core.Mode;
import dev.hygiene.core.TaskScope;
import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.testsupport.RawMaps;
import java.lang.ref.SoftReference;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.WeakHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * The ENFORCE invariant of DESIGN.md checked against a reference model, after every task of a
 * randomized run on a multi-thread hygienic pool.
 *
 * <p>For each thread that runs tasks (the pool's workers, and the submitting threads, on which
 * {@code CallerRunsPolicy} runs tasks inline) the model holds what each of the test's own
 * {@code ThreadLocal}s must hold: nothing, null or a value (by identity), and the thread's name,
 * priority, context class loader and uncaught-exception handler. Each thread starts with a random
 * baseline, set outside any scope. Tasks then set, overwrite and remove values, read through
 * {@code get()} (which creates entries, with initial values for some locals), create and drop
 * {@code ThreadLocal}s (inheritable ones, retained ones), force rehashes, change thread state, nest
 * scopes of this hygiene and of others (an enforcing one that retains nothing, an auditing one), run
 * sub-tasks inline through a saturated caller-runs pool, leave a scope open for the pool to close,
 * interrupt themselves, lose their inheritable map (as the JDK erases a fork-join worker's), trigger
 * GCs and throw. Every scope close applies the policy's rule to the
 * model: retained locals keep what the task left, every other local gets its snapshot back.
 *
 * <p>After every scope closes, the thread's real maps are read raw (no {@code get()}) and compared
 * with the model, and checked against the invariants of the JDK's map (size, threshold, probe
 * chains). Entries the test does not hold keys for are checked too: an entry whose
 * {@code ThreadLocal} was collected before a task closed must be gone afterwards (stale entries are
 * expunged), an entry whose {@code ThreadLocal} is still alive is never lost, and no entry that a
 * task added survives unless it is retained. Each task's operations come from a {@code Random}
 * seeded by the run's seed and the task number, each thread's baseline from one seeded by the run's
 * seed and the thread's number; the seed is in every failure message.
 *
 * <p><b>Seed.</b> By default the run uses the fixed seed {@value #DEFAULT_SEED}, so that every
 * build, CI's included, runs the same tasks: a failure there names a seed anyone can rerun, and a
 * green build does not turn red because a new seed was drawn. A seed fixes what each task does and
 * each thread's baseline; which thread runs which task, and when, is still the scheduler's (and when
 * the GC clears a dropped {@code ThreadLocal} is the collector's), so a rerun repeats a failure's
 * tasks, not always its interleaving. {@code -Dhygiene.seed=N} runs seed {@code N};
 * {@code -Dhygiene.seed=random} draws a new seed, to explore beyond the default one.
 *
 * <p><b>Length.</b> {@code -Dhygiene.stress=long} runs a million tasks (a number runs that many)
 * instead of the default {@value #DEFAULT_TASKS}, and prints a summary. Given on the {@code mvn}
 * command line, both properties reach the forked test JVM: Surefire passes Maven's user properties
 * on as system properties, and nothing when they are unset. For example:
 * <pre>{@code
 * mvn -B test -pl hygiene-executors -am -Dtest=ModelBasedStressTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dhygiene.stress=long -Dhygiene.seed=random
 * }</pre>
 */
class ModelBasedStressTest {

    static final String SEED_PROPERTY = "hygiene.seed";
    static final String STRESS_PROPERTY = "hygiene.stress";
    /** The seed of every run without {@code -Dhygiene.seed}; see the class comment. */
    static final long DEFAULT_SEED = 6583886858236752442L;
    private static final int DEFAULT_TASKS = 6_000;
    private static final int LONG_TASKS = 1_000_000;

    private static final String KEPT_PREFIX = ModelBasedStressTest.class.getName() + "$Kept";
    private static final String CACHED_PREFIX = ModelBasedStressTest.class.getName() + "$CachedBuffer";

    /** The model's "no entry", as opposed to an entry holding null. */
    private static final Object ABSENT = new Object() {
        @Override
        public String toString() {
            return "<no entry>";
        }
    };

    // ---------------------------------------------------------------------------------------------
    // The test's ThreadLocals: the universe the model tracks exactly

    /** One of the test's long-lived ThreadLocals and what the model needs to know about it. */
    private static final class Local {
        final int index;
        final ThreadLocal<Object> local;
        final boolean inheritable;
        /** Retained by the main policy, by identity or by the ThreadLocal's type. */
        final boolean retained;
        /** Holds only SoftReferences to a CachedBuffer, which the main policy retains by referent type. */
        final boolean cache;
        final String kind;

        Local(int index, ThreadLocal<Object> local, boolean retained, boolean cache, String kind) {
            this.index = index;
            this.local = local;
            this.inheritable = local instanceof InheritableThreadLocal;
            this.retained = retained;
            this.cache = cache;
            this.kind = kind;
        }

        @Override
        public String toString() {
            return "local #" + index + " (" + kind + ")";
        }
    }

    private static final List<Local> UNIVERSE = new ArrayList<>();
    private static final Map<Object, Local> BY_KEY = new IdentityHashMap<>();
    private static final List<ThreadLocal<?>> RETAINED_BY_IDENTITY = new ArrayList<>();
    private static final AtomicInteger INITIAL_VALUES = new AtomicInteger();
    /**
     * Keeps each CachedBuffer strongly reachable while its SoftReference is, so that no soft
     * reference is ever cleared under the model's feet (the referent decides retention).
     */
    private static final Map<SoftReference<?>, CachedBuffer> PINNED = Collections.synchronizedMap(new WeakHashMap<>());

    static {
        for (int i = 0; i < 12; i++) {
            add(new ThreadLocal<>(), false, false, "ThreadLocal");
        }
        for (int i = 0; i < 6; i++) {
            add(new InheritableThreadLocal<>(), false, false, "InheritableThreadLocal");
        }
        for (int i = 0; i < 3; i++) {
            add(ThreadLocal.withInitial(() -> new Val(-1, INITIAL_VALUES.incrementAndGet())), false, false,
                    "ThreadLocal.withInitial");
        }
        add(new InitialInheritable(), false, false, "InheritableThreadLocal with initialValue");
        for (int i = 0; i < 2; i++) {
            RETAINED_BY_IDENTITY.add(add(new ThreadLocal<>(), true, false, "retained by identity"));
        }
        RETAINED_BY_IDENTITY.add(add(new InheritableThreadLocal<>(), true, false,
                "InheritableThreadLocal retained by identity"));
        for (int i = 0; i < 2; i++) {
            add(new KeptLocal<>(), true, false, "retained by ThreadLocal type");
        }
        add(new KeptInheritable<>(), true, false, "InheritableThreadLocal retained by type");
        for (int i = 0; i < 2; i++) {
            add(ThreadLocal.withInitial(ModelBasedStressTest::newCache), false, true,
                    "SoftReference cache retained by referent type");
        }
    }

    private static ThreadLocal<Object> add(ThreadLocal<Object> local, boolean retained, boolean cache, String kind) {
        Local l = new Local(UNIVERSE.size(), local, retained, cache, kind);
        UNIVERSE.add(l);
        BY_KEY.put(local, l);
        return local;
    }

    private static final int SIZE = UNIVERSE.size();

    /** A value the test made: tracked exactly, by identity. */
    static final class Val {
        final int task;
        final int seq;

        Val(int task, int seq) {
            this.task = task;
            this.seq = seq;
        }

        @Override
        public String toString() {
            return "Val[task " + task + ", #" + seq + "]@" + Integer.toHexString(System.identityHashCode(this));
        }
    }

    /** The referent of a cache entry's SoftReference, as Jackson's BufferRecycler is. */
    static final class CachedBuffer {
    }

    /** Retained by the main policy's type prefix. */
    static final class KeptLocal<T> extends ThreadLocal<T> {
    }

    /** Retained by the main policy's type prefix. */
    static final class KeptInheritable<T> extends InheritableThreadLocal<T> {
    }

    static final class InitialInheritable extends InheritableThreadLocal<Object> {
        @Override
        protected Object initialValue() {
            return new Val(-1, INITIAL_VALUES.incrementAndGet());
        }
    }

    static SoftReference<CachedBuffer> newCache() {
        CachedBuffer buffer = new CachedBuffer();
        SoftReference<CachedBuffer> ref = new SoftReference<>(buffer);
        PINNED.put(ref, buffer);
        return ref;
    }

    private static boolean isTestValue(Object value) {
        return value instanceof Val || value instanceof SoftReference && PINNED.containsKey(value);
    }

    private static String show(Object value) {
        if (value == ABSENT || value == null || value instanceof Val) {
            return String.valueOf(value);
        }
        return value.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(value));
    }

    // ---------------------------------------------------------------------------------------------
    // Failures planned by the test, as opposed to what the test finds

    static final class PlannedException extends RuntimeException {
        PlannedException(String message) {
            super(message, null, false, false);
        }
    }

    static final class PlannedError extends Error {
        PlannedError(String message) {
            super(message, null, false, false);
        }
    }

    private static boolean planned(Throwable t) {
        return t instanceof PlannedException || t instanceof PlannedError;
    }

    /** What the model found wrong; recorded by the run, and ends the task it happened in. */
    static final class ModelViolation extends AssertionError {
        ModelViolation(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void everyThreadHoldsWhatTheModelSaysAfterEveryTask(TestReporter reporter) throws Exception {
        Run run = new Run(seed(), tasks());
        String summary = run.execute();
        reporter.publishEntry("model run", summary);
        if (run.tasks > DEFAULT_TASKS) {
            System.out.println("ModelBasedStressTest: " + summary);
        }
        assertTrue(run.failures.isEmpty(), () -> "seed " + run.seed + " (rerun with -D" + SEED_PROPERTY + "="
                + run.seed + "): " + run.failureCount + " violation(s) of the model; the first ones:\n"
                + String.join("\n", run.failures) + "\n" + summary);
        assertEquals(run.tasks, run.started.get(), () -> "seed " + run.seed + ": every task ran once; " + summary);
        assertEquals(run.mainScopes.sum(), run.main.stats().tasks(),
                () -> "seed " + run.seed + ": the stats count every scope closed; " + summary);
        assertEquals(run.listenerLeftovers.sum(), run.main.stats().leftovers(),
                () -> "seed " + run.seed + ": the listener heard every leftover the stats counted; " + summary);
        assertTrue(run.inlineSubtasks.sum() > 0, () -> "seed " + run.seed + ": sub-tasks ran inline; " + summary);
        assertTrue(run.main.stats().staleExpunged() > 0,
                () -> "seed " + run.seed + ": dropped ThreadLocals left stale entries to expunge; " + summary);
    }

    /** {@value #DEFAULT_SEED} unless {@code -Dhygiene.seed} gives a number or {@code random}. */
    static long seed() {
        String value = System.getProperty(SEED_PROPERTY, "").trim();
        if (value.isEmpty()) {
            return DEFAULT_SEED;
        }
        if (value.equalsIgnoreCase("random")) {
            return new SecureRandom().nextLong();
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + SEED_PROPERTY + " is '" + value
                    + "'; allowed: a long, or random", e);
        }
    }

    /** {@value #DEFAULT_TASKS} unless {@code -Dhygiene.stress} gives {@code long} or a number. */
    static int tasks() {
        String value = System.getProperty(STRESS_PROPERTY, "").trim();
        if (value.isEmpty()) {
            return DEFAULT_TASKS;
        }
        if (value.equalsIgnoreCase("long")) {
            return LONG_TASKS;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + STRESS_PROPERTY + " is '" + value
                    + "'; allowed: long, or a number of tasks", e);
        }
    }

    /** One randomized run: its hygienes, pools, threads and findings. */
    private static final class Run {
        private static final int WORKERS = 3;
        private static final int SUBMITTERS = 2;
        private static final int MAX_FAILURES_KEPT = 10;

        final long seed;
        final int tasks;
        final ThreadHygiene main;
        final ThreadHygiene inner = ThreadHygiene.of(HygienePolicy.builder().name("model-inner").build());
        final ThreadHygiene audit = ThreadHygiene.of(HygienePolicy.builder().name("model-audit").mode(Mode.AUDIT)
                .build());
        final ClassLoader[] loaders = {null, ClassLoader.getSystemClassLoader(),
            new URLClassLoader("model-a", new URL[0], null), new URLClassLoader("model-b", new URL[0], null)};

        final Queue<String> failures = new ConcurrentLinkedQueue<>();
        final AtomicInteger failureCount = new AtomicInteger();
        volatile boolean stop;

        final AtomicInteger nextTask = new AtomicInteger();
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger workersMade = new AtomicInteger();
        final LongAdder mainScopes = new LongAdder();
        final LongAdder listenerLeftovers = new LongAdder();
        final AtomicInteger listenerCalls = new AtomicInteger();
        final LongAdder inlineTasks = new LongAdder();
        final LongAdder inlineSubtasks = new LongAdder();
        final LongAdder nested = new LongAdder();
        final LongAdder rehashes = new LongAdder();
        final LongAdder keptTemps = new LongAdder();
        final LongAdder collections = new LongAdder();
        final LongAdder thrown = new LongAdder();
        final LongAdder leftOpen = new LongAdder();
        final LongAdder interrupts = new LongAdder();
        final LongAdder checks = new LongAdder();
        final LongAdder drops = new LongAdder();

        final ThreadPoolExecutor pool;
        final ThreadPoolExecutor inlinePool;
        final CountDownLatch releaseInlinePool = new CountDownLatch(1);

        Run(long seed, int tasks) {
            this.seed = seed;
            this.tasks = tasks;
            this.main = ThreadHygiene.of(HygienePolicy.builder()
                    .name("model")
                    .retain(RETAINED_BY_IDENTITY.toArray(new ThreadLocal<?>[0]))
                    .retainTypes(KEPT_PREFIX, CACHED_PREFIX)
                    .onLeftovers((worker, leftovers) -> {
                        listenerLeftovers.add(leftovers.size());
                        int call = listenerCalls.incrementAndGet();
                        if (call % 5 == 0) {
                            throw new PlannedException("a LeftoverListener that throws");
                        }
                        if (call % 7 == 0) {
                            throw new PlannedError("a LeftoverListener that throws an Error");
                        }
                    })
                    .build());
            ThreadFactory workers = task -> {
                int n = workersMade.incrementAndGet();
                Runnable body = () -> workerBody(task, n);
                // Both kinds inherit from whichever thread makes them; the pool must start them clean.
                return n % 2 == 0 ? new HygienicThread(null, body, "model-worker-" + n, 0L, true)
                        : new Thread(body, "model-worker-" + n);
            };
            this.pool = new HygienicThreadPoolExecutor(WORKERS, WORKERS, 0L, TimeUnit.MILLISECONDS,
                    new ArrayBlockingQueue<>(16), workers, new ThreadPoolExecutor.CallerRunsPolicy(), main) {
                @Override
                protected void afterExecute(Runnable r, Throwable t) {
                    try {
                        super.afterExecute(r, t);
                    } catch (Throwable e) {
                        record("afterExecute threw on " + Thread.currentThread().getName() + ": " + e);
                    }
                    ThreadModel model = ThreadModel.current();
                    if (model != null && model.inTask()) {
                        try {
                            model.closeTask("after the pool closed task " + model.task);
                        } catch (ModelViolation e) {
                            // recorded; thrown from here it would make the pool call afterExecute twice
                        }
                    }
                }
            };
            // One worker, kept busy: every execute runs the task inline on the caller, in a scope.
            this.inlinePool = new HygienicThreadPoolExecutor(1, 1, 0L, TimeUnit.MILLISECONDS, new SynchronousQueue<>(),
                    new ThreadPoolExecutor.CallerRunsPolicy(), main);
        }

        String execute() throws Exception {
            long start = System.nanoTime();
            CountDownLatch busy = new CountDownLatch(1);
            mainScopes.increment();
            inlinePool.execute(() -> {
                busy.countDown();
                awaitUninterruptibly(releaseInlinePool);
            });
            assertTrue(busy.await(60, TimeUnit.SECONDS), "the inline pool's worker started");

            List<Thread> submitters = new ArrayList<>();
            for (int s = 0; s < SUBMITTERS; s++) {
                int n = s;
                Thread submitter = new Thread(() -> submitterBody(n), "model-submitter-" + n);
                submitter.setUncaughtExceptionHandler((t, e) -> record("submitter died: " + e));
                submitters.add(submitter);
                submitter.start();
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(tasks > DEFAULT_TASKS ? 600 : 5);
            for (Thread submitter : submitters) {
                submitter.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (submitter.isAlive()) {
                    stop = true;
                    record(submitter.getName() + " did not finish in time; " + started.get() + " tasks started");
                }
            }
            pool.shutdown();
            if (!pool.awaitTermination(120, TimeUnit.SECONDS)) {
                record("the pool did not terminate");
            }
            releaseInlinePool.countDown();
            inlinePool.shutdown();
            if (!inlinePool.awaitTermination(120, TimeUnit.SECONDS)) {
                record("the inline pool did not terminate");
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return String.format("seed %d, %,d tasks in %,d ms on Java %s: %,d checks, %,d workers made, %,d tasks "
                            + "run inline by caller-runs on the submitters, %,d sub-tasks inline on workers, "
                            + "%,d nested "
                            + "scopes, %,d left open, %,d rehashes, %,d retained ThreadLocals dropped, %,d GCs, "
                            + "%,d thrown, %,d self-interrupts, %,d inheritable maps dropped; hygiene: %,d scopes, "
                            + "%,d leftovers, %,d stale expunged, %,d listener calls",
                    seed, started.get(), millis, System.getProperty("java.version"), checks.sum(), workersMade.get(),
                    inlineTasks.sum(), inlineSubtasks.sum(), nested.sum(), leftOpen.sum(), rehashes.sum(),
                    keptTemps.sum(), collections.sum(), thrown.sum(), interrupts.sum(), drops.sum(),
                    main.stats().tasks(),
                    main.stats().leftovers(), main.stats().staleExpunged(), listenerCalls.get());
        }

        void record(String failure) {
            stop = true;
            if (failureCount.incrementAndGet() <= MAX_FAILURES_KEPT) {
                failures.add(failure);
            }
        }

        private static void awaitUninterruptibly(CountDownLatch latch) {
            boolean interrupted = false;
            while (true) {
                try {
                    latch.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        // -----------------------------------------------------------------------------------------
        // Threads

        private void workerBody(Runnable poolLoop, int n) {
            ThreadModel model = new ThreadModel(this, true);
            try {
                model.checkStartsClean();
                model.baseline(new Random(seed * 31 + n));
                poolLoop.run();
            } catch (ModelViolation e) {
                // recorded
            } finally {
                try {
                    model.checkFinal();
                } catch (ModelViolation e) {
                    // recorded
                }
                ThreadModel.MODELS.remove(Thread.currentThread());
            }
        }

        private void submitterBody(int n) {
            ThreadModel model = new ThreadModel(this, false);
            Random random = new Random(seed * 17 + n);
            try {
                model.baseline(random);
                while (!stop) {
                    int id = nextTask.getAndIncrement();
                    if (id >= tasks) {
                        break;
                    }
                    Runnable task = new ModelTask(this, id);
                    try {
                        if (random.nextInt(4) == 0) {
                            pool.submit(task);
                        } else {
                            pool.execute(task);
                        }
                    } catch (PlannedException | PlannedError e) {
                        // an inline task's planned failure reaches its submitter, as it should
                    }
                    if (model.inTask()) {
                        inlineTasks.increment();
                        model.closeTask("after caller-runs closed task " + model.task + " on the submitter");
                    }
                }
                model.checkFinal();
            } catch (ModelViolation e) {
                // recorded
            } catch (Throwable e) {
                record(Thread.currentThread().getName() + " failed: " + e);
            } finally {
                ThreadModel.MODELS.remove(Thread.currentThread());
            }
        }
    }

    /** One submitted task: checks the thread it lands on, then runs random operations. */
    private static final class ModelTask implements Runnable {
        private final Run run;
        private final int id;

        ModelTask(Run run, int id) {
            this.run = run;
            this.id = id;
        }

        @Override
        public void run() {
            run.started.incrementAndGet();
            ThreadModel model = ThreadModel.current();
            if (model == null) {
                run.record("task " + id + " ran on a thread the model does not know: " + Thread.currentThread());
                return;
            }
            run.mainScopes.increment();
            model.openTask(id);
            Random random = new Random(run.seed ^ (id * 0x9E3779B97F4A7C15L));
            try {
                new Operations(run, model, random, id).run(1 + random.nextInt(8), 0);
                if (random.nextInt(150) == 0) {
                    run.thrown.increment();
                    if (random.nextInt(3) == 0) {
                        throw new PlannedError("task " + id);
                    }
                    throw new PlannedException("task " + id);
                }
            } catch (ModelViolation | PlannedException | PlannedError e) {
                throw e;
            } catch (Throwable e) {
                run.record("task " + id + " on " + Thread.currentThread().getName() + " threw " + e);
                throw e;
            } finally {
                model.beforeTaskCloses();
            }
        }

        @Override
        public String toString() {
            return "ModelTask[" + id + "]";
        }
    }

    /** The random operations of one task, nested scopes included. */
    private static final class Operations {
        private final Run run;
        private final ThreadModel model;
        private final Random random;
        private final int task;
        private int seq;

        Operations(Run run, ThreadModel model, Random random, int task) {
            this.run = run;
            this.model = model;
            this.random = random;
            this.task = task;
        }

        private Val val() {
            return new Val(task, ++seq);
        }

        private Local anyLocal() {
            return UNIVERSE.get(random.nextInt(SIZE));
        }

        void run(int count, int depth) {
            for (int i = 0; i < count; i++) {
                operation(depth);
            }
        }

        private void operation(int depth) {
            int dice = random.nextInt(1000);
            if (dice < 300) {
                set(anyLocal());
            } else if (dice < 330) {
                Local l = anyLocal();
                if (!l.cache) {
                    l.local.set(null);
                    model.values[l.index] = null;
                }
            } else if (dice < 530) {
                Local l = anyLocal();
                l.local.remove();
                model.values[l.index] = ABSENT;
            } else if (dice < 630) {
                get(anyLocal());
            } else if (dice < 700) {
                ThreadLocal<Object> temp = random.nextBoolean() ? new ThreadLocal<>() : new InheritableThreadLocal<>();
                temp.set(val());
                if (random.nextInt(3) == 0) {
                    temp.remove();
                }
            } else if (dice < 720) {
                keptTemp();
            } else if (dice < 740) {
                rehash();
            } else if (dice < 800) {
                threadState();
            } else if (dice < 880) {
                if (model.frames.size() < 3) {
                    nest(depth);
                }
            } else if (dice < 920) {
                if (model.frames.size() < 3) {
                    inline(depth);
                }
            } else if (dice < 930) {
                if (model.poolWorker && model.frames.size() == 1) {
                    // A scope the task never closes: the pool's afterTask closes it, innermost first.
                    run.main.enter();
                    run.mainScopes.increment();
                    run.leftOpen.increment();
                    model.open(Rules.MAIN);
                }
            } else if (dice < 937) {
                if (model.poolWorker) {
                    run.interrupts.increment();
                    Thread.currentThread().interrupt();
                }
            } else if (dice < 940) {
                if (random.nextInt(run.tasks > DEFAULT_TASKS ? 40 : 4) == 0) {
                    run.collections.increment();
                    System.gc();
                }
            } else if (dice < 943) {
                if (depth > 0) {
                    run.thrown.increment();
                    throw new PlannedException("task " + task + " at depth " + depth);
                }
            } else if (dice < 946) {
                dropInheritableMap();
            } else {
                set(anyLocal());
            }
        }

        private void set(Local l) {
            Object value = l.cache ? newCache() : val();
            l.local.set(value);
            model.values[l.index] = value;
        }

        private void get(Local l) {
            Object got = l.local.get();
            Object expected = model.values[l.index];
            if (expected == ABSENT) {
                // get() made an entry with the initial value: null, or a new value for some locals.
                model.values[l.index] = got;
            } else if (got != expected) {
                throw model.violation("get() of " + l + " returned " + show(got) + " but the model holds "
                        + show(expected));
            }
        }

        /** A ThreadLocal the policy retains by type, set and dropped: its entry stays until it is stale. */
        private void keptTemp() {
            if (model.frames.size() != 1) {
                return;
            }
            ThreadLocal<Object> temp = random.nextBoolean() ? new KeptLocal<>() : new KeptInheritable<>();
            Val value = val();
            temp.set(value);
            model.doomed.add(new Doomed(temp, value,
                    "retained " + temp.getClass().getSimpleName() + " of task " + task));
            run.keptTemps.increment();
        }

        /**
         * The thread loses its whole inheritable map, as a fork-join worker's maps are erased by
         * the JDK: every entry of the snapshot is then one the task removed, to be put back unless
         * retained. Only in the task's own scope, whose rules the model applies to the retained
         * entries of ThreadLocals it does not hold.
         */
        private void dropInheritableMap() {
            if (model.frames.size() != 1) {
                return;
            }
            RawMaps.dropMap(true);
            for (Local l : UNIVERSE) {
                if (l.inheritable) {
                    model.values[l.index] = ABSENT;
                }
            }
            model.doomed.removeIf(d -> d.inheritable && d.retained);
            run.drops.increment();
        }

        /** Enough new entries to make the JDK resize and rehash the table, among other changes. */
        private void rehash() {
            run.rehashes.increment();
            int n = 20 + random.nextInt(100);
            List<ThreadLocal<Object>> temps = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ThreadLocal<Object> temp = random.nextInt(4) == 0 ? new InheritableThreadLocal<>()
                        : new ThreadLocal<>();
                temp.set(val());
                temps.add(temp);
                if (random.nextInt(10) == 0) {
                    set(anyLocal());
                }
            }
            for (int i = 0; i < n; i += 3) {
                temps.get(i).remove();
            }
        }

        private void threadState() {
            Thread thread = Thread.currentThread();
            switch (random.nextInt(4)) {
                case 0:
                    String name = "task-" + task + "-" + (++seq);
                    thread.setName(name);
                    model.name = name;
                    break;
                case 1:
                    int priority = Thread.MIN_PRIORITY + random.nextInt(Thread.MAX_PRIORITY);
                    thread.setPriority(priority);
                    model.priority = thread.getPriority();
                    break;
                case 2:
                    ClassLoader loader = run.loaders[random.nextInt(run.loaders.length)];
                    thread.setContextClassLoader(loader);
                    model.loader = loader;
                    break;
                default:
                    Thread.UncaughtExceptionHandler handler = new QuietHandler(run);
                    thread.setUncaughtExceptionHandler(handler);
                    model.handler = handler;
                    break;
            }
        }

        private void nest(int depth) {
            run.nested.increment();
            int n = 1 + random.nextInt(5);
            switch (random.nextInt(4)) {
                case 0:
                    run.mainScopes.increment();
                    scope(run.main, Rules.MAIN, n, depth);
                    break;
                case 1:
                    scope(run.inner, Rules.INNER, n, depth);
                    break;
                case 2:
                    scope(run.audit, Rules.AUDIT, n, depth);
                    break;
                default:
                    run.mainScopes.increment();
                    boolean[] opened = {false};
                    try {
                        run.main.wrap(() -> {
                            model.open(Rules.MAIN);
                            opened[0] = true;
                            run(n, depth + 1);
                        }).run();
                    } finally {
                        if (opened[0]) {
                            model.closeTop("after a wrapped runnable of task " + task + " returned");
                        }
                    }
                    break;
            }
        }

        private void scope(ThreadHygiene hygiene, Rules rules, int n, int depth) {
            TaskScope scope = hygiene.enter();
            model.open(rules);
            try {
                run(n, depth + 1);
            } finally {
                scope.close();
                model.closeTop("after a nested " + rules + " scope of task " + task + " closed");
            }
        }

        /** A sub-task given to a saturated caller-runs pool: it runs here, in a scope nested in this one. */
        private void inline(int depth) {
            run.mainScopes.increment();
            Thread caller = Thread.currentThread();
            int n = 1 + random.nextInt(5);
            boolean[] opened = {false};
            try {
                run.inlinePool.execute(() -> {
                    if (Thread.currentThread() != caller) {
                        run.record("an inline sub-task of task " + task + " ran on " + Thread.currentThread());
                        return;
                    }
                    model.open(Rules.MAIN);
                    opened[0] = true;
                    run(n, depth + 1);
                });
            } finally {
                if (opened[0]) {
                    run.inlineSubtasks.increment();
                    model.closeTop("after an inline sub-task of task " + task + " closed");
                }
            }
        }
    }

    /** What closing a scope of each hygiene does to the model. */
    private enum Rules {
        MAIN, INNER, AUDIT;

        boolean restores() {
            return this != AUDIT;
        }

        boolean retains(Local l) {
            return this == MAIN && (l.retained || l.cache);
        }
    }

    /** The model's snapshot at a scope's opening. */
    private static final class Frame {
        final Rules rules;
        final Object[] values;
        final String name;
        final int priority;
        final ClassLoader loader;
        final Thread.UncaughtExceptionHandler handler;

        Frame(Rules rules, ThreadModel model) {
            this.rules = rules;
            this.values = model.values.clone();
            this.name = model.name;
            this.priority = model.priority;
            this.loader = model.loader;
            this.handler = model.handler;
        }
    }

    /** An entry whose ThreadLocal the test does not hold: it must stay while the key lives, and go once stale. */
    private static final class Doomed {
        final WeakReference<Object> key;
        final WeakReference<Object> value;
        final String what;
        final boolean inheritable;
        final boolean retained;
        boolean staleBeforeClose;
        boolean seen;

        Doomed(ThreadLocal<?> key, Object value, String what) {
            this.key = new WeakReference<>(key);
            this.value = new WeakReference<>(value);
            this.what = what;
            this.inheritable = key instanceof InheritableThreadLocal;
            this.retained = key instanceof KeptLocal || key instanceof KeptInheritable;
        }
    }

    /**
     * A live entry, at a task's start, of a ThreadLocal that neither the test nor the model knows
     * (hygiene's own, the JDK's).
     */
    private static final class Background {
        final WeakReference<Object> key;
        final Object value;
        final String type;
        boolean seen;

        Background(Object key, Object value) {
            this.key = new WeakReference<>(key);
            this.value = value;
            this.type = key.getClass().getName();
        }

        boolean jdk() {
            return type.startsWith("jdk.internal.") || type.startsWith("sun.");
        }
    }

    /** The model of one thread; used by that thread only. */
    private static final class ThreadModel {
        static final Map<Thread, ThreadModel> MODELS = new java.util.concurrent.ConcurrentHashMap<>();

        final Run run;
        final Thread thread;
        final boolean poolWorker;
        final Object[] values = new Object[SIZE];
        String name;
        int priority;
        ClassLoader loader;
        Thread.UncaughtExceptionHandler handler;
        final ArrayDeque<Frame> frames = new ArrayDeque<>();
        final List<Doomed> doomed = new ArrayList<>();
        final List<Background> background = new ArrayList<>();
        int task = -1;
        private final Object[] actual = new Object[SIZE];

        ThreadModel(Run run, boolean poolWorker) {
            this.run = run;
            this.thread = Thread.currentThread();
            this.poolWorker = poolWorker;
            Arrays.fill(values, ABSENT);
            MODELS.put(thread, this);
            readThreadState();
        }

        static ThreadModel current() {
            return MODELS.get(Thread.currentThread());
        }

        private void readThreadState() {
            name = thread.getName();
            priority = thread.getPriority();
            loader = thread.getContextClassLoader();
            handler = thread.getUncaughtExceptionHandler();
        }

        ModelViolation violation(String what) {
            String message = "seed " + run.seed + ", task " + task + ", " + (poolWorker ? "worker " : "submitter ")
                    + thread.getName() + ": " + what;
            run.record(message);
            return new ModelViolation(message);
        }

        boolean inTask() {
            return !frames.isEmpty();
        }

        /** A new worker inherits nothing from the thread that happened to make it. */
        void checkStartsClean() {
            for (boolean inheritable : new boolean[] {false, true}) {
                for (Object e : RawMaps.table(thread, inheritable)) {
                    if (e != null && (BY_KEY.containsKey(RawMaps.key(e)) || isTestValue(RawMaps.value(e)))) {
                        throw violation("a new worker starts with " + show(RawMaps.value(e))
                                + " in its " + (inheritable ? "inheritable " : "") + "map");
                    }
                }
            }
        }

        /** Values and thread state set outside any scope: the snapshot every task starts from. */
        void baseline(Random random) {
            for (Local l : UNIVERSE) {
                int dice = random.nextInt(3);
                if (dice == 0) {
                    Object value = l.cache ? newCache() : new Val(-2, l.index);
                    l.local.set(value);
                    values[l.index] = value;
                } else if (dice == 1 && random.nextInt(4) == 0 && !l.cache) {
                    l.local.set(null);
                    values[l.index] = null;
                }
            }
            ThreadLocal<Object> plain = new ThreadLocal<>();
            ThreadLocal<Object> inheritable = new InheritableThreadLocal<>();
            ThreadLocal<Object> kept = new KeptLocal<>();
            for (ThreadLocal<Object> temp : List.of(plain, inheritable, kept)) {
                Val value = new Val(-3, doomed.size());
                temp.set(value);
                doomed.add(new Doomed(temp, value, "baseline " + temp.getClass().getSimpleName() + " dropped"));
            }
            thread.setPriority(Thread.MIN_PRIORITY + random.nextInt(Thread.MAX_PRIORITY));
            thread.setContextClassLoader(run.loaders[random.nextInt(run.loaders.length)]);
            thread.setUncaughtExceptionHandler(new QuietHandler(run));
            readThreadState();
            checkUniverse("after the baseline was set");
        }

        void openTask(int id) {
            task = id;
            run.checks.increment();
            checkUniverse("when task " + id + " started");
            captureBackground();
            frames.push(new Frame(Rules.MAIN, this));
        }

        void open(Rules rules) {
            frames.push(new Frame(rules, this));
        }

        /** Applies the closing scope's rule to the model and compares the thread with it. */
        void closeTop(String when) {
            Frame frame = frames.pop();
            if (frame.rules.restores()) {
                for (Local l : UNIVERSE) {
                    if (!frame.rules.retains(l)) {
                        values[l.index] = frame.values[l.index];
                    }
                }
                name = frame.name;
                priority = frame.priority;
                loader = frame.loader;
                handler = frame.handler;
            }
            run.checks.increment();
            checkUniverse(when);
        }

        void beforeTaskCloses() {
            for (Doomed d : doomed) {
                d.staleBeforeClose = d.key.refersTo(null);
            }
        }

        /** After the task's own scope closed, with any it left open. */
        void closeTask(String when) {
            while (frames.size() > 1) {
                frames.pop();   // left open; closed by the pool before the task's own scope
                // Same rules as the task's scope, so closing both equals closing the outer one.
            }
            closeTop(when);
            checkOthers(when);
            background.clear();
        }

        void checkFinal() {
            if (inTask()) {
                throw violation("the thread ended inside task " + task + "'s scope");
            }
            checkUniverse("when the thread ended");
        }

        private void checkUniverse(String when) {
            for (boolean inheritable : new boolean[] {false, true}) {
                String broken = RawMaps.brokenInvariant(thread, inheritable);
                if (broken != null) {
                    throw violation(when + ": the " + broken);
                }
            }
            Object[] actual = this.actual;
            Arrays.fill(actual, ABSENT);
            read(false, actual, when);
            read(true, actual, when);
            for (int i = 0; i < SIZE; i++) {
                if (actual[i] != values[i]) {
                    throw violation(when + ": " + UNIVERSE.get(i) + " should hold " + show(values[i])
                            + " but the thread has " + show(actual[i]));
                }
            }
            if (!name.equals(thread.getName()) || priority != thread.getPriority()
                    || loader != thread.getContextClassLoader() || handler != thread.getUncaughtExceptionHandler()) {
                throw violation(when + ": thread state should be " + name + "/" + priority + "/" + loader + "/"
                        + handler
                        + " but is " + thread.getName() + "/" + thread.getPriority() + "/"
                        + thread.getContextClassLoader() + "/" + thread.getUncaughtExceptionHandler());
            }
        }

        private void read(boolean inheritable, Object[] actual, String when) {
            for (Object e : RawMaps.table(thread, inheritable)) {
                if (e == null) {
                    continue;
                }
                Local l = BY_KEY.get(RawMaps.key(e));
                if (l == null) {
                    continue;
                }
                if (l.inheritable != inheritable) {
                    throw violation(when + ": " + l + " has an entry in the wrong map");
                }
                if (actual[l.index] != ABSENT) {
                    throw violation(when + ": " + l + " has two entries");
                }
                actual[l.index] = RawMaps.value(e);
            }
        }

        /** Remembers the entries of ThreadLocals nobody in the test holds, and checks that none is dirt. */
        private void captureBackground() {
            background.clear();
            for (boolean inheritable : new boolean[] {false, true}) {
                for (Object e : RawMaps.table(thread, inheritable)) {
                    if (e == null) {
                        continue;
                    }
                    Object key = RawMaps.key(e);
                    Object value = RawMaps.value(e);
                    if (key != null && BY_KEY.containsKey(key)) {
                        continue;
                    }
                    Doomed d = doomedHolding(value);
                    if (d != null) {
                        continue;
                    }
                    if (isTestValue(value)) {
                        throw violation("when task " + task + " started: an entry "
                                + (key == null ? "whose ThreadLocal was collected" : "of a " + key.getClass().getName())
                                + " holds " + show(value) + ", which no earlier task may have left");
                    }
                    if (key != null) {
                        background.add(new Background(key, value));
                    }
                }
            }
        }

        private Doomed doomedHolding(Object value) {
            for (Doomed d : doomed) {
                if (d.value.refersTo(value)) {
                    return d;
                }
            }
            return null;
        }

        /**
         * The entries of ThreadLocals that the test does not hold: stale ones expunged, live ones
         * kept, none added by the task left behind.
         */
        private void checkOthers(String when) {
            for (Doomed d : doomed) {
                d.seen = false;
            }
            for (Background b : background) {
                b.seen = false;
            }
            for (boolean inheritable : new boolean[] {false, true}) {
                for (Object e : RawMaps.table(thread, inheritable)) {
                    if (e == null) {
                        continue;
                    }
                    Object key = RawMaps.key(e);
                    if (key != null && BY_KEY.containsKey(key)) {
                        continue;
                    }
                    Object value = RawMaps.value(e);
                    Doomed d = doomedHolding(value);
                    if (d != null) {
                        d.seen = true;
                        if (key == null && d.staleBeforeClose) {
                            throw violation(when + ": the stale entry of a " + d.what + " holding " + show(value)
                                    + " was not expunged");
                        }
                        if (key != null && !d.key.refersTo(key)) {
                            throw violation(when + ": " + show(value) + " of a " + d.what + " moved to another entry");
                        }
                        continue;
                    }
                    Background b = key == null ? null : backgroundOf(key);
                    if (b != null) {
                        b.seen = true;
                        if (b.value != value && !b.jdk()) {
                            throw violation(when + ": the entry of a " + b.type + " changed from " + show(b.value)
                                    + " to " + show(value));
                        }
                        continue;
                    }
                    if (isTestValue(value)) {
                        throw violation(when + ": " + (key == null ? "a stale entry" : "an entry of a "
                                + key.getClass().getName()) + " holding " + show(value) + " was left behind");
                    }
                }
            }
            for (Iterator<Doomed> it = doomed.iterator(); it.hasNext(); ) {
                Doomed d = it.next();
                if (d.seen) {
                    continue;
                }
                if (!d.key.refersTo(null)) {
                    throw violation(when + ": the entry of a " + d.what + " was lost although its ThreadLocal lives");
                }
                it.remove();
            }
            for (Background b : background) {
                if (!b.seen && !b.key.refersTo(null) && !b.jdk()) {
                    throw violation(when + ": the entry of a " + b.type + " holding " + show(b.value) + " was lost");
                }
            }
        }

        private Background backgroundOf(Object key) {
            for (Background b : background) {
                if (b.key.refersTo(key)) {
                    return b;
                }
            }
            return null;
        }
    }

    /** An uncaught-exception handler that expects only the failures the test planned. */
    private static final class QuietHandler implements Thread.UncaughtExceptionHandler {
        private final Run run;

        QuietHandler(Run run) {
            this.run = run;
        }

        @Override
        public void uncaughtException(Thread t, Throwable e) {
            if (!planned(e) && !(e instanceof ModelViolation)) {
                run.record(t.getName() + " died of " + e);
            }
        }
    }
}
