package dev.hygiene.core.internal;

import dev.hygiene.core.HygieneStats;
import dev.hygiene.core.Leftover;
import dev.hygiene.core.Mode;
import dev.hygiene.core.ThreadHygiene;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/** The counters: exact under contention, bounded in the types they name, readable. */
class StatsTest {

    /** Distinct classes without defining any: Object[], Object[][], ... */
    private static List<Class<?>> arrayTypes(Class<?> component, int count) {
        List<Class<?>> types = new ArrayList<>();
        Class<?> type = component;
        for (int i = 0; i < count; i++) {
            type = type.arrayType();
            types.add(type);
        }
        return types;
    }

    @Test
    void tracksAtMostMaxTypesAndCountsTheRestUnderOther() {
        Stats stats = new Stats("bounded", Mode.AUDIT);
        List<Class<?>> locals = arrayTypes(Object.class, 64);
        List<Class<?>> values = arrayTypes(int.class, 48);
        int pairs = locals.size() * values.size();
        for (Class<?> local : locals) {
            for (Class<?> value : values) {
                stats.countEntries(local, value, 1);
            }
        }
        Map<String, Long> rows = stats.leftoversByType();
        assertEquals(HygieneStats.MAX_TYPES + 1, rows.size());
        assertEquals(pairs - HygieneStats.MAX_TYPES, rows.get(HygieneStats.OTHER_TYPES));
        long total = 0;
        for (long count : rows.values()) {
            total += count;
        }
        assertEquals(pairs, total);
        String first = locals.get(0).getName() + " -> " + values.get(0).getName();
        assertEquals(1L, rows.get(first));
        stats.countEntries(locals.get(0), values.get(0), 1);
        assertEquals(2L, stats.leftoversByType().get(first), "a type tracked by name keeps its own row");
    }

    @Test
    void countsEveryPairExactlyWhateverTheCacheHolds() {
        Stats stats = new Stats("exact", Mode.ENFORCE);
        List<Class<?>> types = arrayTypes(String.class, 40);
        for (int round = 0; round < 50; round++) {
            for (Class<?> type : types) {
                stats.countEntries(ThreadLocal.class, type, 1);
            }
            stats.countEntries(null, byte[].class, 1);
            stats.countEntries(ThreadLocal.class, null, 1);
        }
        Map<String, Long> rows = stats.leftoversByType();
        for (Class<?> type : types) {
            assertEquals(50L, rows.get("java.lang.ThreadLocal -> " + type.getName()));
        }
        assertEquals(50L, rows.get(Leftover.COLLECTED + " -> [B"));
        assertEquals(50L, rows.get("java.lang.ThreadLocal -> null"));
    }

    @Test
    void leftoversByTypeIsSortedMostFrequentFirst() {
        Stats stats = new Stats("sorted", Mode.ENFORCE);
        stats.countEntries(ThreadLocal.class, Integer.class, 1);
        stats.countEntries(ThreadLocal.class, String.class, 1);
        stats.countEntries(ThreadLocal.class, String.class, 1);
        assertEquals(List.of("java.lang.ThreadLocal -> java.lang.String", "java.lang.ThreadLocal -> java.lang.Integer"),
                new ArrayList<>(stats.leftoversByType().keySet()));
    }

    @Test
    void reportShowsCountersAndRows() {
        Stats stats = new Stats("http-workers", Mode.ENFORCE);
        stats.taskClosed(Runnable.class, 0, 0);
        stats.countEntries(InheritableThreadLocal.class, String.class, 1);
        stats.taskClosed(StatsTest.class, 1, 3);
        String report = stats.report();
        assertTrue(report.startsWith("hygiene 'http-workers' (ENFORCE): 2 tasks, 1 with leftovers, 1 leftovers, "
                + "3 stale entries expunged"), report);
        assertTrue(report.contains("ThreadLocal type -> value type"), report);
        assertTrue(report.contains("      1  java.lang.InheritableThreadLocal -> java.lang.String"), report);
    }

    @Test
    void countersAreExactUnderContention() throws Exception {
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        ThreadLocal<Integer> local = new ThreadLocal<>();
        int threads = 4;
        int tasksPerThread = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < tasksPerThread; i++) {
                        int n = i;
                        hygiene.wrap(() -> {
                            if (n % 2 == 0) {
                                local.set(n);
                            }
                        }).run();
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals((long) threads * tasksPerThread, hygiene.stats().tasks());
        assertEquals((long) threads * tasksPerThread / 2, hygiene.stats().tasksWithLeftovers());
        assertEquals((long) threads * tasksPerThread / 2, hygiene.stats().leftovers());
    }

    @Test
    void countsLeftoversPerTaskTypeNamingLambdasAfterTheirDefiningClass() {
        Stats stats = new Stats("tasks", Mode.AUDIT);
        Runnable lambda = () -> { };
        stats.taskClosed(lambda.getClass(), 2, 0);
        stats.taskClosed(lambda.getClass(), 1, 0);
        stats.taskClosed(StatsTest.class, 1, 0);
        stats.taskClosed(String.class, 0, 0);
        stats.taskClosed(null, 4, 0);
        stats.threadCreated(5, 0);
        assertEquals(Map.of(StatsTest.class.getName() + " (lambda)", 3L, StatsTest.class.getName(), 1L,
                Leftover.UNKNOWN_TASK, 4L, Leftover.THREAD_CREATION, 5L), stats.leftoversByTask());
        assertTrue(stats.report().contains("left by task type"), stats.report());
        assertTrue(stats.report().contains(StatsTest.class.getName() + " (lambda)"), stats.report());
    }

    @Test
    void taskTypesPastTheLimitCountUnderOneRow() {
        Stats stats = new Stats("many-tasks", Mode.AUDIT);
        List<Class<?>> tasks = new ArrayList<>();
        for (Class<?> component : List.of(Object.class, int.class, long.class, String.class, byte.class)) {
            tasks.addAll(arrayTypes(component, 250));
        }
        for (Class<?> task : tasks) {
            stats.taskClosed(task, 1, 0);
        }
        Map<String, Long> byTask = stats.leftoversByTask();
        assertEquals(HygieneStats.MAX_TYPES + 1, byTask.size());
        assertEquals((long) tasks.size() - HygieneStats.MAX_TYPES, byTask.get(HygieneStats.OTHER_TASKS));
    }

    @Test
    void countsTheTasksOfEndedThreadsExactlyAndFoldsTheirTallies() throws InterruptedException {
        Stats stats = new Stats("churn", Mode.ENFORCE);
        int threads = 200;
        long tasks = 0;
        long withLeftovers = 0;
        for (int i = 0; i < threads; i++) {
            // Enough tasks that each thread keeps a tally of its own, which outlives the thread.
            int count = Worker.SCOPES_BEFORE_TALLIES + 1 + i % 5;
            Thread thread = new Thread(() -> {
                for (int task = 0; task < count; task++) {
                    stats.taskClosed(StatsTest.class, task % 2, 1);
                }
            });
            thread.start();
            thread.join();
            tasks += count;
            withLeftovers += count / 2;
        }
        assertEquals(tasks, stats.tasks());
        assertEquals(withLeftovers, stats.tasksWithLeftovers());
        assertEquals(withLeftovers, stats.leftovers());
        assertEquals(tasks, stats.staleExpunged());
        assertTrue(stats.unfoldedTallies() <= 2, "each new thread's tally folds those of the ended threads, "
                + "but " + stats.unfoldedTallies() + " tallies of 200 ended threads are still kept");
    }

    @Test
    void aThreadThatRunsOneTaskCountsOnTheSharedCountersAndKeepsNoTally() throws InterruptedException {
        Stats stats = new Stats("thread-per-task", Mode.ENFORCE);
        Thread[] threads = new Thread[64];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> stats.taskClosed(StatsTest.class, 1, 0));
            threads[i].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(64L, stats.tasks());
        assertEquals(64L, stats.leftovers());
        assertEquals(0, stats.unfoldedTallies(), "a thread that closed one scope registered a tally");
    }

    @Test
    void aThreadCyclingThroughMoreHygienesThanItKeepsTalliesOfCountsEveryTask() {
        List<Stats> all = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            all.add(new Stats("cycled-" + i, Mode.ENFORCE));
        }
        for (int round = 0; round < 100; round++) {
            for (Stats stats : all) {
                stats.taskClosed(StatsTest.class, 1, 0);
            }
        }
        for (Stats stats : all) {
            assertEquals(100L, stats.tasks(), stats.toString());
            assertEquals(100L, stats.leftovers(), stats.toString());
            assertTrue(stats.unfoldedTallies() <= 2, stats + " keeps " + stats.unfoldedTallies()
                    + " tallies of one thread: evicted tallies are not folded");
        }
    }

    private static final String INTEGER_ROW = "java.lang.ThreadLocal -> java.lang.Integer";
    private static final String STRING_ROW = "java.lang.ThreadLocal -> java.lang.String";

    @Test
    void rowsCountedInAThreadsTallyAreExactWhileItRunsAndAfterItEnds() throws InterruptedException {
        Stats stats = new Stats("tally-rows", Mode.ENFORCE);
        CountDownLatch counted = new CountDownLatch(1);
        CountDownLatch end = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            Worker w = Worker.current();
            for (int task = 0; task < 300; task++) {
                Tally tally = w.tally(stats);
                Class<?> type = task % 3 == 0 ? Integer.class : String.class;   // runs of one row, then another
                stats.taskClosed(tally, task % 2 == 0 ? StatsTest.class : Runnable.class, 1, 0);
                stats.countEntries(tally, ThreadLocal.class, type, 1);
            }
            counted.countDown();
            try {
                end.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        worker.start();
        counted.await();
        assertEquals(1, stats.unfoldedTallies(), "the worker counts in a tally of its own");
        assertEquals(Map.of(INTEGER_ROW, 100L, STRING_ROW, 200L), stats.leftoversByType(),
                "pending counts of the live tally are in the rows");
        assertEquals(150L, stats.leftoversByTask().get(StatsTest.class.getName()));
        assertEquals(150L, stats.leftoversByTask().get(Runnable.class.getName()));

        end.countDown();
        worker.join();
        stats.newTally();   // folds the ended thread's tally
        assertEquals(Map.of(INTEGER_ROW, 100L, STRING_ROW, 200L), stats.leftoversByType(), "folded exactly once");
        assertEquals(150L, stats.leftoversByTask().get(Runnable.class.getName()));
        assertEquals(300L, stats.leftovers());
    }
}
