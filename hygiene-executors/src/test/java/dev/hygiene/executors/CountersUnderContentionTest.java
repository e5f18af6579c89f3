package dev.hygiene.executors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.HygieneStats;
import dev.hygiene.core.Mode;
import dev.hygiene.core.ThreadHygiene;
import java.lang.reflect.Array;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The stats are exact when many threads close scopes at once, through every path a task takes:
 * a hygienic pool's workers (hooks), tasks that its caller-runs policy runs on the submitters, a
 * wrapped pool, and {@code hygiene.wrap(task).run()} on the submitters themselves. Each task leaves
 * leftovers that depend only on its number, so every counter, every row by type (several of them
 * created by racing threads) and the row by task are known exactly; the listener hears each
 * leftover once. Under AUDIT too, where every leftover stays and the next task's change counts again.
 */
class CountersUnderContentionTest {

    private static final ThreadLocal<Object> USER = new ThreadLocal<>();
    private static final int SUBMITTERS = 4;
    private static final int TASKS = 24_000;
    private static final Class<?>[] VALUE_TYPES = {Object[].class, String[].class, Integer[].class, int[].class,
        long[].class, byte[].class, char[].class};

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

    /**
     * Leaves a value of one of several types when its number is even, and renames its thread when
     * its number is a multiple of 3.
     */
    static final class CountingTask implements Runnable {
        private final int n;

        CountingTask(int n) {
            this.n = n;
        }

        static boolean setsUser(int n) {
            return n % 2 == 0;
        }

        static boolean renames(int n) {
            return n % 3 == 0;
        }

        static Class<?> valueType(int n) {
            return VALUE_TYPES[(n / 2) % VALUE_TYPES.length];
        }

        @Override
        public void run() {
            if (setsUser(n)) {
                USER.set(Array.newInstance(valueType(n).getComponentType(), 0));
            }
            if (renames(n)) {
                Thread.currentThread().setName("task-" + n);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"ENFORCE", "AUDIT"})
    void countersAreExactWhenManyThreadsCloseScopesThroughEveryPath(Mode mode) throws Exception {
        LongAdder heard = new LongAdder();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().name("contention-" + mode).mode(mode)
                .onLeftovers((worker, leftovers) -> heard.add(leftovers.size())).build());
        ThreadPoolExecutor hooked = new HygienicThreadPoolExecutor(3, 3, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(16), new ThreadPoolExecutor.CallerRunsPolicy(), hygiene);
        ExecutorService wrapped = HygienicExecutors.wrap(Executors.newFixedThreadPool(2), hygiene);
        pools.add(hooked);
        pools.add(wrapped);

        AtomicInteger next = new AtomicInteger();
        List<Future<?>> futures = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> submitters = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int s = 0; s < SUBMITTERS; s++) {
            Thread submitter = new Thread(null, () -> {
                try {
                    start.await();
                    for (int n = next.getAndIncrement(); n < TASKS; n = next.getAndIncrement()) {
                        Runnable task = new CountingTask(n);
                        switch (n % 4) {
                            case 0:
                                hooked.execute(task);
                                break;
                            case 1:
                                futures.add(hooked.submit(task));
                                break;
                            case 2:
                                futures.add(wrapped.submit(task));
                                break;
                            default:
                                hygiene.wrap(task).run();
                                break;
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "submitter-" + s, 0L, false);   // inherits nothing, so new workers inherit nothing
            submitter.start();
            submitters.add(submitter);
        }
        start.countDown();
        for (Thread submitter : submitters) {
            submitter.join(TimeUnit.SECONDS.toMillis(120));
        }
        assertEquals(List.of(), failures);
        for (Future<?> future : futures) {
            future.get(60, TimeUnit.SECONDS);
        }
        HygieneStats stats = hygiene.stats();
        // A pool completes a task before its afterExecute closes the scope.
        await().atMost(Duration.ofSeconds(60)).until(() -> stats.tasks() >= TASKS);

        long withLeftovers = 0;
        long users = 0;
        long renames = 0;
        Map<String, Long> byType = new TreeMap<>();
        for (int n = 0; n < TASKS; n++) {
            if (CountingTask.setsUser(n) || CountingTask.renames(n)) {
                withLeftovers++;
            }
            if (CountingTask.setsUser(n)) {
                users++;
                byType.merge("java.lang.ThreadLocal -> " + CountingTask.valueType(n).getName(), 1L, Long::sum);
            }
            if (CountingTask.renames(n)) {
                renames++;
            }
        }
        byType.put("Thread.name -> java.lang.String", renames);

        assertEquals(TASKS, stats.tasks(), stats.report());
        assertEquals(withLeftovers, stats.tasksWithLeftovers(), stats.report());
        assertEquals(users + renames, stats.leftovers(), stats.report());
        assertEquals(0, stats.staleExpunged());
        assertEquals(byType, new TreeMap<>(stats.leftoversByType()), "each row exact");
        assertEquals(Map.of(CountingTask.class.getName(), users + renames), stats.leftoversByTask(),
                "every leftover blamed on the submitted task, whatever the path");
        assertEquals(users + renames, heard.sum(), "the listener heard each leftover once");
    }
}
