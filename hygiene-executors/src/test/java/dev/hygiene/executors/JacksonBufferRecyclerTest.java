package dev.hygiene.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.testsupport.RawMaps;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Jackson's per-thread buffer recycler through hygienic pools. jackson-core keeps each thread's
 * {@code BufferRecycler} (the char and byte buffers every parser and generator borrows) in a plain
 * {@code ThreadLocal} holding a {@code SoftReference} to it, so the only class that names Jackson is
 * the referent's. DESIGN.md's retain rule matches referent types for exactly this case:
 * {@code retainTypes("com.fasterxml.jackson.")} keeps each worker's recycler across tasks, while
 * everything else a task leaves is still cleaned.
 *
 * <p>Each test runs the same steps on a plain pool of one thread (the control) and on hygienic
 * pools of one thread, so that a task and the next share the worker.
 */
class JacksonBufferRecyclerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ThreadLocal<String> USER = new ThreadLocal<>();
    private static final String SOFT_REFERENCE_ROW = "java.lang.ThreadLocal -> java.lang.ref.SoftReference";

    private final List<ExecutorService> pools = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (ExecutorService pool : pools) {
            pool.shutdownNow();
        }
        for (ExecutorService pool : pools) {
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), pool + " did not terminate");
        }
    }

    private ExecutorService pool(ExecutorService pool) {
        pools.add(pool);
        return pool;
    }

    private static <T> T get(Future<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    /** The current thread's recycler, read raw from its map (so reading it creates none), or null. */
    private static BufferRecycler recycler() {
        for (Object value : RawMaps.values()) {
            if (value instanceof SoftReference && ((SoftReference<?>) value).get() instanceof BufferRecycler) {
                return (BufferRecycler) ((SoftReference<?>) value).get();
            }
        }
        return null;
    }

    /** A request handler: serializes its answer with Jackson and forgets to clear the user it set. */
    private static BufferRecycler handle(String user) throws JsonProcessingException {
        USER.set(user);
        assertEquals("{\"user\":\"" + user + "\"}", MAPPER.writeValueAsString(Map.of("user", user)));
        return recycler();
    }

    /** Three requests on the pool; returns the recycler each found after serializing, and what the next task saw. */
    private static List<Object> threeRequests(ExecutorService pool) throws Exception {
        List<Object> seen = new ArrayList<>();
        for (String user : List.of("alice", "bob", "carol")) {
            seen.add(get(pool.submit(() -> handle(user))));
        }
        seen.add(get(pool.submit(USER::get)));
        return seen;
    }

    @Test
    void retainingJacksonByPrefixKeepsEachWorkersBufferRecyclerThroughItsSoftReference() throws Exception {
        List<Object> plain = threeRequests(pool(Executors.newFixedThreadPool(1)));
        assertNotNull(plain.get(0), "Jackson keeps a recycler on the thread");
        assertSame(plain.get(0), plain.get(1), "control: a plain worker reuses its recycler");
        assertSame(plain.get(1), plain.get(2));
        assertEquals("carol", plain.get(3), "control: and leaks the user");

        ThreadHygiene dropping = ThreadHygiene.enforcing();
        List<Object> dropped = threeRequests(pool(HygienicExecutors.newFixedThreadPool(1, dropping)));
        assertNotSame(dropped.get(0), dropped.get(1),
                "the default policy removes it with the rest: a new one per task");
        assertNotSame(dropped.get(1), dropped.get(2));
        assertNull(dropped.get(3));
        assertTrue(dropping.stats().leftoversByType().getOrDefault(SOFT_REFERENCE_ROW, 0L) >= 3,
                dropping.stats().report());

        ThreadHygiene keeping = ThreadHygiene.of(HygienePolicy.builder().retainTypes("com.fasterxml.jackson.").build());
        List<Object> kept = threeRequests(pool(HygienicExecutors.newFixedThreadPool(1, keeping)));
        assertInstanceOf(BufferRecycler.class, kept.get(0));
        assertSame(kept.get(0), kept.get(1), "retained by its referent's type, the recycler stays with the worker");
        assertSame(kept.get(1), kept.get(2));
        assertNull(kept.get(3), "while the user is still cleaned");
        assertNull(keeping.stats().leftoversByType().get(SOFT_REFERENCE_ROW), keeping.stats().report());
    }

    @Test
    void theRetainedRecyclerSurvivesATaskThatFailsMidWay() throws Exception {
        ThreadHygiene keeping = ThreadHygiene.of(HygienePolicy.builder().retainTypes("com.fasterxml.jackson.").build());
        ExecutorService pool = pool(HygienicExecutors.newFixedThreadPool(1, keeping));
        BufferRecycler first = get(pool.submit(() -> handle("alice")));
        Future<?> failing = pool.submit(() -> {
            handle("bob");
            throw new IllegalStateException("the handler failed after serializing");
        });
        assertThrows(ExecutionException.class, () -> get(failing));
        assertSame(first, get(pool.submit(JacksonBufferRecyclerTest::recycler)), "the same recycler");
        assertNull(get(pool.submit(() -> RawMaps.entryValue(USER, null))), "and no user");
    }
}
