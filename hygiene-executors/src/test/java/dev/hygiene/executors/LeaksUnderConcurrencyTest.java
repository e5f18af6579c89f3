package dev.hygiene.executors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.core.HygieneStats;
import dev.hygiene.core.HygienicThread;
import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.testsupport.Gc;
import dev.hygiene.testsupport.ThrowawayLoader;
import dev.hygiene.testsupport.fixtures.Leaky;
import java.lang.ref.WeakReference;
import java.lang.reflect.Array;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the GC can free once hygienic pools have run many tasks at once on several workers: values
 * of entries whose {@code ThreadLocal} was dropped (stale entries), and the class loaders of values
 * that tasks left. And the stats, which see every leftover, stay bounded and pin nothing.
 *
 * <p>Each cleaning test runs the same tasks on a plain pool (the control, which keeps the
 * references) and on a hygienic pool of the same size, both from several submitting threads at once.
 * GC-dependent checks poll with {@code System.gc()} until the weak references clear.
 */
class LeaksUnderConcurrencyTest {

    private static final int WORKERS = 4;
    private static final int SUBMITTERS = 4;
    private static final Duration GC_TIMEOUT = Duration.ofSeconds(90);
    private static final ThreadLocal<Object> USER = new ThreadLocal<>();

    private final List<ExecutorService> pools = new ArrayList<>();

    @AfterEach
    void shutDownPools() throws InterruptedException {
        for (ExecutorService pool : pools) {
            pool.shutdownNow();
        }
        for (ExecutorService pool : pools) {
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), pool + " did not terminate");
        }
    }

    private ThreadPoolExecutor plainPool(ThreadFactory factory) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), factory);
        pools.add(pool);
        return pool;
    }

    private ThreadPoolExecutor hygienicPool(ThreadFactory factory, ThreadHygiene hygiene) {
        ThreadPoolExecutor pool = new HygienicThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), factory, hygiene);
        pools.add(pool);
        return pool;
    }

    private static ThreadFactory hygienicThreads() {
        AtomicInteger number = new AtomicInteger();
        return task -> new HygienicThread(null, task, "leak-worker-" + number.incrementAndGet());
    }

    /** Submits the tasks to the pool from several threads at once and waits until all have run. */
    private static void runConcurrently(ExecutorService pool, List<Runnable> tasks) throws Exception {
        List<Future<?>> futures = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> submitters = new ArrayList<>();
        for (int s = 0; s < SUBMITTERS; s++) {
            int first = s;
            Thread submitter = new Thread(null, () -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = first; i < tasks.size(); i += SUBMITTERS) {
                    futures.add(pool.submit(tasks.get(i)));
                }
            }, "submitter-" + s, 0L, false);
            submitter.start();
            submitters.add(submitter);
        }
        start.countDown();
        for (Thread submitter : submitters) {
            submitter.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertEquals(tasks.size(), futures.size(), "every task was submitted");
        for (Future<?> future : futures) {
            future.get(60, TimeUnit.SECONDS);
        }
    }

    /** Waits until hygiene has closed {@code tasks} scopes: a pool completes a future before its afterExecute. */
    private static void awaitTasks(ThreadHygiene hygiene, long tasks) {
        await().atMost(Duration.ofSeconds(60)).until(() -> hygiene.stats().tasks() == tasks);
    }

    // ---------------------------------------------------------------------------------------------

    /** Tasks that each set a value in a ThreadLocal of their own and drop it; returns the values, weakly. */
    private static List<Runnable> dropLocals(int count, List<WeakReference<byte[]>> values) {
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean inheritable = i % 2 == 1;
            tasks.add(() -> {
                ThreadLocal<byte[]> perRequest = inheritable ? new InheritableThreadLocal<>() : new ThreadLocal<>();
                byte[] buffer = new byte[8 * 1024];
                perRequest.set(buffer);
                values.add(new WeakReference<>(buffer));
            });
        }
        return tasks;
    }

    @Test
    void valuesOfThreadLocalsThatTasksDroppedAreFreedOnEveryWorker() throws Exception {
        int count = 400;
        List<WeakReference<byte[]>> held = Collections.synchronizedList(new ArrayList<>());
        runConcurrently(plainPool(hygienicThreads()), dropLocals(count, held));
        Gc.collect();
        assertTrue(Gc.alive(held) > 0, "control: plain workers keep values of dropped ThreadLocals in stale entries");

        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        List<WeakReference<byte[]>> freed = Collections.synchronizedList(new ArrayList<>());
        runConcurrently(hygienicPool(hygienicThreads(), hygiene), dropLocals(count, freed));
        awaitTasks(hygiene, count);
        Gc.awaitAllCleared("every value a task left is freed", freed, GC_TIMEOUT);
        assertEquals(count, hygiene.stats().leftovers(), hygiene.stats().report());
    }

    /**
     * Workers that each set a value in a ThreadLocal they drop before running any task: once the GC
     * has collected the ThreadLocal, the entry is stale and keeps its value until something expunges it.
     */
    private static final class StaleBaselines implements ThreadFactory {
        /** The ThreadLocals, held by the test until a first round of tasks has run. */
        final List<Object> held = Collections.synchronizedList(new ArrayList<>());
        final List<WeakReference<Object>> keys = Collections.synchronizedList(new ArrayList<>());
        final List<WeakReference<Object>> values = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger number = new AtomicInteger();

        @Override
        public Thread newThread(Runnable loop) {
            // A HygienicThread keeps hygiene's state in a field: no insertion into the map that
            // could expunge the stale entry in passing, so the test sees what hygiene itself does.
            int n = number.incrementAndGet();
            return new HygienicThread(null, () -> {
                setAndDrop(n % 2 == 0);
                loop.run();
            }, "stale-worker-" + n);
        }

        /** In a frame of its own, so that no local variable of the worker's keeps the ThreadLocal alive. */
        private void setAndDrop(boolean inheritable) {
            ThreadLocal<Object> dropped = inheritable ? new InheritableThreadLocal<>() : new ThreadLocal<>();
            Object value = new byte[64 * 1024];
            dropped.set(value);
            held.add(dropped);
            keys.add(new WeakReference<>(dropped));
            values.add(new WeakReference<>(value));
        }

        /**
         * Starts every worker, runs a first round of tasks while the ThreadLocals are still alive
         * (a hygienic pool snapshots their entries then), drops them and waits until the GC has
         * collected them: nothing, hygiene's snapshots included, may keep them alive.
         */
        void prepare(ThreadPoolExecutor pool) throws Exception {
            pool.prestartAllCoreThreads();
            await().atMost(Duration.ofSeconds(30)).until(() -> keys.size() == WORKERS);
            runConcurrently(pool, oneNoOpTaskPerWorker());
            held.clear();
            Gc.awaitAllCleared("the dropped ThreadLocals are collected", keys, GC_TIMEOUT);
        }
    }

    /** One task on each worker at once: none touches a ThreadLocal. */
    private static List<Runnable> oneNoOpTaskPerWorker() {
        CountDownLatch all = new CountDownLatch(WORKERS);
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            tasks.add(() -> {
                all.countDown();
                try {
                    all.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        return tasks;
    }

    @Test
    void staleEntriesWorkersHadBeforeTheirTasksAreExpungedByTheNextTaskOnEveryWorker() throws Exception {
        StaleBaselines plainWorkers = new StaleBaselines();
        ThreadPoolExecutor plain = plainPool(plainWorkers);
        plainWorkers.prepare(plain);
        runConcurrently(plain, oneNoOpTaskPerWorker());
        Gc.collect();
        assertEquals(WORKERS, Gc.alive(plainWorkers.values), "control: every plain worker keeps its stale value");

        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        StaleBaselines workers = new StaleBaselines();
        ThreadPoolExecutor pool = hygienicPool(workers, hygiene);
        workers.prepare(pool);
        runConcurrently(pool, oneNoOpTaskPerWorker());
        awaitTasks(hygiene, 2 * WORKERS);
        Gc.awaitAllCleared("each worker's next task expunged its stale entry", workers.values, GC_TIMEOUT);
        assertEquals(WORKERS, hygiene.stats().staleExpunged(), hygiene.stats().report());
        assertEquals(0, hygiene.stats().leftovers(), "an entry stale before the task is not the task's leftover");
    }

    /** One worker, kept busy until the test ends: every task given to it runs inline on the caller, in a scope. */
    private ThreadPoolExecutor saturated(ThreadHygiene hygiene) throws InterruptedException {
        ThreadPoolExecutor pool = hygiene == null
                ? new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new SynchronousQueue<>(),
                        new ThreadPoolExecutor.CallerRunsPolicy())
                : new HygienicThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new SynchronousQueue<>(),
                        new ThreadPoolExecutor.CallerRunsPolicy(), hygiene);
        pools.add(pool);
        CountDownLatch running = new CountDownLatch(1);
        pool.execute(() -> {
            running.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                // shut down
            }
        });
        assertTrue(running.await(30, TimeUnit.SECONDS));
        return pool;
    }

    /** Tasks that set a value and then run a sub-task inline, in a nested scope whose snapshot sees the value. */
    private static List<Runnable> setThenRunInline(int count, ThreadPoolExecutor inline,
            List<WeakReference<byte[]>> values) {
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tasks.add(() -> {
                byte[] buffer = new byte[64 * 1024];
                USER.set(buffer);
                values.add(new WeakReference<>(buffer));
                inline.execute(() -> { });
            });
        }
        return tasks;
    }

    @Test
    void valuesThatNestedScopesSnapshottedAreFreedOnceTheTasksEnd() throws Exception {
        int count = 200;
        List<WeakReference<byte[]>> held = Collections.synchronizedList(new ArrayList<>());
        runConcurrently(plainPool(hygienicThreads()), setThenRunInline(count, saturated(null), held));
        Gc.collect();
        assertTrue(Gc.alive(held) > 0, "control: plain workers keep the last value each task left");

        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        List<WeakReference<byte[]>> freed = Collections.synchronizedList(new ArrayList<>());
        runConcurrently(hygienicPool(hygienicThreads(), hygiene), setThenRunInline(count, saturated(hygiene), freed));
        awaitTasks(hygiene, 2L * count);
        Gc.awaitAllCleared("no scope, nested or not, keeps a value once its task has ended", freed, GC_TIMEOUT);
    }

    /** Tasks that each load Leaky in a throwaway loader and call its leak(); returns the loaders, weakly. */
    private static List<Runnable> leakFromThrowawayLoaders(int count, List<WeakReference<ClassLoader>> loaders) {
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tasks.add(() -> {
                ClassLoader loader = new ThrowawayLoader(Leaky.class.getName());
                loaders.add(new WeakReference<>(loader));
                try {
                    loader.loadClass(Leaky.class.getName()).getMethod("leak").invoke(null);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            });
        }
        return tasks;
    }

    @Test
    void classLoadersOfValuesTasksLeftAreFreedWhileTheStatsStillNameTheirClass() throws Exception {
        int count = 24;
        List<WeakReference<ClassLoader>> pinned = Collections.synchronizedList(new ArrayList<>());
        runConcurrently(plainPool(hygienicThreads()), leakFromThrowawayLoaders(count, pinned));
        Gc.collect();
        assertEquals(count, Gc.alive(pinned), "control: plain workers pin every redeployed loader");

        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        List<WeakReference<ClassLoader>> freed = Collections.synchronizedList(new ArrayList<>());
        runConcurrently(hygienicPool(hygienicThreads(), hygiene), leakFromThrowawayLoaders(count, freed));
        awaitTasks(hygiene, count);
        Gc.awaitAllCleared("every loader is freed: neither the workers nor the stats pin it", freed, GC_TIMEOUT);
        assertEquals(Map.of("java.lang.ThreadLocal -> dev.hygiene.testsupport.fixtures.Leaky", (long) count),
                hygiene.stats().leftoversByType(), "one row, by name, for the classes of all the loaders");
    }

    // ---------------------------------------------------------------------------------------------

    /** Distinct classes without defining any: arrays of a dozen component types, up to 250 dimensions. */
    private static List<Class<?>> arrayTypes(int count) {
        List<Class<?>> types = new ArrayList<>();
        Class<?>[] components = {Object.class, String.class, Integer.class, Long.class, Short.class, Byte.class,
            Character.class, Boolean.class, Float.class, Double.class, int.class, long.class};
        for (Class<?> component : components) {
            Class<?> type = component;
            for (int dims = 1; dims <= 250 && types.size() < count; dims++) {
                type = type.arrayType();
                types.add(type);
            }
        }
        assertEquals(count, types.size());
        return types;
    }

    @Test
    void statsTrackABoundedNumberOfTypesWhenManyThreadsLeaveEverNewOnes() throws Exception {
        int types = 3_000;
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        List<Runnable> tasks = new ArrayList<>();
        for (Class<?> type : arrayTypes(types)) {
            tasks.add(() -> USER.set(Array.newInstance(type.getComponentType(), 0)));
        }
        runConcurrently(hygienicPool(hygienicThreads(), hygiene), tasks);
        awaitTasks(hygiene, types);

        HygieneStats stats = hygiene.stats();
        Map<String, Long> rows = stats.leftoversByType();
        assertEquals(HygieneStats.MAX_TYPES + 1, rows.size(), "at most MAX_TYPES named rows and one for the rest");
        assertEquals(types - HygieneStats.MAX_TYPES, rows.get(HygieneStats.OTHER_TYPES));
        long total = 0;
        for (long count : rows.values()) {
            assertTrue(count >= 1);
            total += count;
        }
        assertEquals(types, total, "every leftover counted once, in a named row or the other row");
        assertEquals(types, stats.leftovers());
        assertEquals(types, stats.tasksWithLeftovers());
        assertEquals(1, stats.leftoversByTask().size(), stats.leftoversByTask().toString());
        assertTrue(stats.report().lines().count() < HygieneStats.MAX_TYPES + 10, "the report is bounded too");
    }
}
