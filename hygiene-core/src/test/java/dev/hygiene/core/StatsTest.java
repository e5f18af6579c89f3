package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/** The counters: exact under contention, bounded in the types they name, readable. */
class StatsTest {

    private static Leftover leftover(String localType) {
        return new Leftover(Leftover.Kind.ADDED, localType, "java.lang.String", false, "Task");
    }

    @Test
    void tracksAtMostMaxTypesAndCountsTheRestUnderOther() {
        Stats stats = new Stats("bounded", Mode.AUDIT);
        int types = HygieneStats.MAX_TYPES * 3;
        for (int i = 0; i < types; i++) {
            stats.leftovers(List.of(leftover("com.example.Local" + i)));
        }
        Map<String, Long> rows = stats.leftoversByType();
        assertEquals(HygieneStats.MAX_TYPES + 1, rows.size());
        assertEquals(types - HygieneStats.MAX_TYPES, rows.get(HygieneStats.OTHER_TYPES));
        assertEquals(types, stats.leftovers());
        stats.leftovers(List.of(leftover("com.example.Local0")));
        assertEquals(2L, stats.leftoversByType().get("com.example.Local0 -> java.lang.String"),
                "a type tracked by name keeps its own row");
    }

    @Test
    void leftoversByTypeIsSortedMostFrequentFirst() {
        Stats stats = new Stats("sorted", Mode.ENFORCE);
        stats.leftovers(List.of(leftover("A"), leftover("B"), leftover("B")));
        assertEquals(List.of("B -> java.lang.String", "A -> java.lang.String"),
                new ArrayList<>(stats.leftoversByType().keySet()));
    }

    @Test
    void reportShowsCountersAndRows() {
        Stats stats = new Stats("http-workers", Mode.ENFORCE);
        stats.taskClosed();
        stats.taskClosed();
        stats.leftovers(List.of(leftover("com.acme.UserContext")));
        stats.staleExpunged(3);
        String report = stats.report();
        assertTrue(report.startsWith("hygiene 'http-workers' (ENFORCE): 2 tasks, 1 with leftovers, 1 leftovers, "
                + "3 stale entries expunged"), report);
        assertTrue(report.contains("ThreadLocal type -> value type"), report);
        assertTrue(report.contains("      1  com.acme.UserContext -> java.lang.String"), report);
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
}
