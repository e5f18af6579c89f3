package dev.hygiene.executors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.core.ThreadHygiene;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Leftovers are blamed on the caller's task, not on the {@code FutureTask} or wrapper that carries
 * it: a submitted lambda is named after the class that wrote it.
 */
class AttributionTest {

    private static final ThreadLocal<String> USER = new ThreadLocal<>();
    private static final String LAMBDA = AttributionTest.class.getName() + " (lambda)";

    /** A named task type. */
    static final class LeakyJob implements Callable<String> {
        @Override
        public String call() {
            USER.set("job");
            return "done";
        }
    }

    private static Map<String, Long> afterLeaks(ExecutorService pool, ThreadHygiene hygiene) throws Exception {
        try {
            pool.submit(() -> USER.set("alice")).get();
            pool.submit(new LeakyJob()).get();
            pool.execute(() -> USER.set("bob"));
            pool.invokeAll(List.of(new LeakyJob()));
            await().atMost(Duration.ofSeconds(30)).until(() -> hygiene.stats().leftovers() == 4);
            return hygiene.stats().leftoversByTask();
        } finally {
            pool.shutdown();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void hygienicPoolBlamesTheSubmittedTaskNotItsFuture() throws Exception {
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        assertEquals(Map.of(LAMBDA, 2L, LeakyJob.class.getName(), 2L),
                afterLeaks(HygienicExecutors.newFixedThreadPool(1, hygiene), hygiene));
    }

    @Test
    void wrappedPoolBlamesTheSubmittedTaskNotItsFuture() throws Exception {
        ThreadHygiene hygiene = ThreadHygiene.auditing();
        assertEquals(Map.of(LAMBDA, 2L, LeakyJob.class.getName(), 2L),
                afterLeaks(HygienicExecutors.wrap(Executors.newSingleThreadExecutor(), hygiene), hygiene));
    }

    @Test
    void scheduledPoolBlamesTheScheduledTaskNotTheJdksScheduledFutureTask() throws Exception {
        ThreadHygiene hygiene = ThreadHygiene.auditing();
        ScheduledExecutorService pool = HygienicExecutors.newSingleThreadScheduledExecutor(hygiene);
        try {
            pool.schedule(new LeakyJob(), 1, TimeUnit.MILLISECONDS).get();
            pool.schedule(() -> USER.set("carol"), 1, TimeUnit.MILLISECONDS).get();
            pool.submit(new LeakyJob()).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> hygiene.stats().tasks() == 3);
            assertEquals(Map.of(LAMBDA, 1L, LeakyJob.class.getName(), 2L), hygiene.stats().leftoversByTask());
        } finally {
            pool.shutdown();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPlainScheduledPoolsHookSeesOnlyTheJdksTaskType() throws Exception {
        Runnable[] seen = new Runnable[1];
        ScheduledThreadPoolExecutor plain = new ScheduledThreadPoolExecutor(1) {
            @Override
            protected void beforeExecute(Thread t, Runnable r) {
                seen[0] = r;
            }
        };
        plain.submit(new LeakyJob()).get();
        plain.shutdown();
        assertTrue(plain.awaitTermination(30, TimeUnit.SECONDS));
        assertNotEquals(LeakyJob.class, seen[0].getClass(), "without unwrapping, leftovers would be blamed on "
                + seen[0].getClass().getName());
    }
}
