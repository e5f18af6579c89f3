package dev.hygiene.executors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.core.ThreadHygiene;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A wrapped real pool: whatever a task leaves in a ThreadLocal does not reach the next task,
 * whichever way it was submitted; the same steps on the bare pool show the leak.
 */
class WrapBehaviourTest {

    private static final ThreadLocal<String> USER = new ThreadLocal<>();

    private final ExecutorService bare = Executors.newSingleThreadExecutor();
    private final ExecutorService plainControl = Executors.newSingleThreadExecutor();
    private final ThreadHygiene hygiene = ThreadHygiene.enforcing();
    private final ExecutorService pool = HygienicExecutors.wrap(bare, hygiene);

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        plainControl.shutdownNow();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(plainControl.awaitTermination(30, TimeUnit.SECONDS));
    }

    private static String leak() {
        USER.set("alice");
        return "done";
    }

    @Test
    void executeAndEverySubmitLeaveNothingForTheNextTask() throws Exception {
        plainControl.submit(WrapBehaviourTest::leak).get();
        assertEquals("alice", plainControl.submit(USER::get).get(), "control: the bare pool leaks");

        CountDownLatch ran = new CountDownLatch(1);
        pool.execute(() -> {
            leak();
            ran.countDown();
        });
        assertTrue(ran.await(30, TimeUnit.SECONDS));
        assertNull(pool.submit(USER::get).get(), "after execute");
        pool.submit((Runnable) WrapBehaviourTest::leak).get();
        assertNull(pool.submit(USER::get).get(), "after submit(Runnable)");
        assertEquals("r", pool.submit(WrapBehaviourTest::leak, "r").get());
        assertNull(pool.submit(USER::get).get(), "after submit(Runnable, result)");
        assertEquals("done", pool.submit((Callable<String>) WrapBehaviourTest::leak).get());
        assertNull(pool.submit(USER::get).get(), "after submit(Callable)");
        // get() returns once the last task's body is done; its scope closes just after.
        await().atMost(Duration.ofSeconds(30)).until(() -> hygiene.stats().tasks() == 8);
        java.util.Map<String, Long> byType = hygiene.stats().leftoversByType();
        assertEquals(4L, byType.get("java.lang.ThreadLocal -> java.lang.String"), "the four leaks");
        assertNull(byType.get("java.lang.ThreadLocal -> null"),
                "a probe's get() that found nothing adds an entry holding null: restored, not counted");
    }

    @Test
    void invokeAllAndInvokeAnyRunUnderHygiene() throws Exception {
        List<Callable<String>> leaky = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            leaky.add(WrapBehaviourTest::leak);
        }
        for (Future<String> f : pool.invokeAll(leaky)) {
            assertEquals("done", f.get());
        }
        assertNull(pool.submit(USER::get).get(), "after invokeAll");
        assertEquals("done", pool.invokeAny(leaky));
        assertNull(pool.submit(USER::get).get(), "after invokeAny");
        for (Future<String> f : pool.invokeAll(leaky, 30, TimeUnit.SECONDS)) {
            assertEquals("done", f.get());
        }
        assertEquals("done", pool.invokeAny(leaky, 30, TimeUnit.SECONDS));
        assertNull(pool.submit(USER::get).get());
        assertTrue(hygiene.stats().leftovers() >= 8, hygiene.stats().report());
    }

    @Test
    void shutdownNowReturnsTheCallersTasksNotWrappers() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.execute(() -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(started.await(30, TimeUnit.SECONDS));
        Runnable queued = () -> { };
        pool.execute(queued);
        Future<String> submitted = pool.submit(() -> "never");
        List<Runnable> pending = pool.shutdownNow();
        assertEquals(2, pending.size());
        assertSame(queued, pending.get(0));
        assertSame(submitted, pending.get(1), "a submission comes back as its future, as from a bare pool");
        release.countDown();
    }
}
