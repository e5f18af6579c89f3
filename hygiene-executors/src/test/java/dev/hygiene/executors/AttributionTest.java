package dev.hygiene.executors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hygiene.core.ThreadHygiene;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
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
}
