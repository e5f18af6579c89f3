package dev.hygiene.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.testsupport.RawMaps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Log4j 2's {@code ThreadContext} (its MDC and NDC) through hygienic pools, with log4j-core
 * behind it. log4j-api keeps the context map as an array in a plain {@code ThreadLocal} and
 * replaces the array on every change (copy on write), and the stack as a
 * {@code MutableThreadContextStack} in another; log4j-core adds per-thread caches of its own
 * (reusable log events and messages, string builders).
 *
 * <p>Each test runs the same steps on a plain pool of one thread (the control, which shows the
 * leak) and on a hygienic pool of one thread, so that a task and the next share the worker.
 */
class Log4jThreadContextTest {

    private static final Logger LOG = (Logger) LogManager.getLogger(Log4jThreadContextTest.class);

    private final Recorder recorder = new Recorder();
    private final List<ExecutorService> pools = new ArrayList<>();

    @BeforeEach
    void recordLogEvents() {
        recorder.start();
        LOG.addAppender(recorder);
        LOG.setLevel(Level.INFO);
        LOG.setAdditive(false);
    }

    @AfterEach
    void stop() throws InterruptedException {
        LOG.removeAppender(recorder);
        recorder.stop();
        for (ExecutorService pool : pools) {
            pool.shutdownNow();
        }
        for (ExecutorService pool : pools) {
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), pool + " did not terminate");
        }
        ThreadContext.clearAll();
    }

    private ExecutorService pool(ExecutorService pool) {
        pools.add(pool);
        return pool;
    }

    private static <T> T get(Future<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    /** Handles alice's request: puts her into the context, pushes the request id, forgets both. */
    private static void handleAlicesRequest() {
        ThreadContext.put("user", "alice");
        ThreadContext.push("request-1");
        LOG.info("alice's request");
    }

    /** What the next request sees: the user in the context and the depth of the stack. */
    private static List<Object> handleAnonymousRequest() {
        LOG.info("anonymous request");
        return Arrays.asList(ThreadContext.get("user"), ThreadContext.getDepth());
    }

    @Test
    void userPutIntoTheThreadContextAndNeverClearedDoesNotReachTheNextTasksLogEvents() throws Exception {
        ExecutorService control = pool(Executors.newFixedThreadPool(1));
        get(control.submit(Log4jThreadContextTest::handleAlicesRequest));
        assertEquals(List.of("alice", 1), get(control.submit(Log4jThreadContextTest::handleAnonymousRequest)),
                "control: the next task finds alice and her request id");
        assertEquals(Map.of("user", "alice"), recorder.context("anonymous request"), "control: and logs as alice");
        assertEquals(List.of("request-1"), recorder.stack("anonymous request"));

        recorder.clear();
        ExecutorService pool = pool(HygienicExecutors.newFixedThreadPool(1, ThreadHygiene.enforcing()));
        get(pool.submit(Log4jThreadContextTest::handleAlicesRequest));
        assertEquals(Map.of("user", "alice"), recorder.context("alice's request"), "the leaking task did log as alice");
        assertEquals(Arrays.asList(null, 0), get(pool.submit(Log4jThreadContextTest::handleAnonymousRequest)));
        assertEquals(Map.of(), recorder.context("anonymous request"), "the next task's log event carries no user");
        assertEquals(List.of(), recorder.stack("anonymous request"), "nor a request id");
    }

    /** Workers that put their pool's name into their context and push their role before any task. */
    private static ThreadFactory billingWorkers() {
        return task -> new Thread(() -> {
            ThreadContext.put("pool", "billing");
            ThreadContext.push("worker");
            task.run();
        }, "billing-worker");
    }

    /** A task that changes every part of the worker's own context and logs. */
    private static void rewriteTheContext() {
        ThreadContext.put("user", "alice");
        ThreadContext.remove("pool");
        ThreadContext.push("request-1");
        LOG.info("rewritten");
    }

    private static List<Object> readTheContext() {
        LOG.info("next task");
        return List.of(ThreadContext.getImmutableContext(), ThreadContext.getImmutableStack().asList());
    }

    /**
     * Unlike Logback's MDC (see MdcTest), log4j-api copies its context on write: a task's put on a
     * worker that has a context of its own makes a new array, so hygiene puts the worker's own
     * context back exactly, map and stack, and the next task's log events carry it.
     */
    @Test
    void workersOwnThreadContextChangedByATaskIsPutBackExactly() throws Exception {
        ExecutorService control = pool(Executors.newFixedThreadPool(1, billingWorkers()));
        get(control.submit(Log4jThreadContextTest::rewriteTheContext));
        assertEquals(List.of(Map.of("user", "alice"), List.of("worker", "request-1")),
                get(control.submit(Log4jThreadContextTest::readTheContext)),
                "control: the worker keeps the task's context");

        recorder.clear();
        ExecutorService pool = pool(HygienicExecutors.newFixedThreadPool(1, billingWorkers(),
                ThreadHygiene.enforcing()));
        get(pool.submit(Log4jThreadContextTest::rewriteTheContext));
        assertEquals(Map.of("user", "alice"), recorder.context("rewritten"));
        assertEquals(List.of(Map.of("pool", "billing"), List.of("worker")),
                get(pool.submit(Log4jThreadContextTest::readTheContext)), "the worker's own context, exactly");
        assertEquals(Map.of("pool", "billing"), recorder.context("next task"), "and log events carry it");
        assertEquals(List.of("worker"), recorder.stack("next task"));
    }

    /** The value of the current thread's entry whose value's class is named {@code type}, or null. */
    private static Object cached(String type) {
        for (Object value : RawMaps.values()) {
            if (value != null && value.getClass().getName().equals(type)) {
                return value;
            }
        }
        return null;
    }

    private static final String EVENT = "org.apache.logging.log4j.core.impl.MutableLogEvent";
    private static final String MESSAGE = "org.apache.logging.log4j.message.ReusableSimpleMessage";

    /** Logs in three tasks; returns, per task, the worker's reusable log event and message after logging. */
    private static List<Object> cachesOfThreeTasks(ExecutorService pool) throws Exception {
        List<Object> caches = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            caches.addAll(get(pool.submit(() -> {
                if (n == 0) {
                    handleAlicesRequest();
                } else {
                    LOG.info("request {}", n);
                }
                return Arrays.asList(cached(EVENT), cached(MESSAGE));
            })));
        }
        return caches;
    }

    /**
     * log4j-core reuses one log event and log4j-api one message object per thread (garbage-free
     * logging). Under the default policy hygiene removes them with everything else a task added,
     * so every task builds new ones; retaining their exact types keeps them, and the context,
     * whose map is an Object[] and whose stack is a MutableThreadContextStack, is still cleaned.
     */
    @Test
    void retainingLog4jsReusableEventAndMessageKeepsThemAcrossTasksWhileTheContextIsStillCleaned() throws Exception {
        List<Object> plain = cachesOfThreeTasks(pool(Executors.newFixedThreadPool(1)));
        assertTrue(plain.get(0) != null && plain.get(0) == plain.get(2) && plain.get(2) == plain.get(4),
                "control: a plain worker reuses its log event: " + plain);

        ThreadHygiene dropping = ThreadHygiene.enforcing();
        List<Object> dropped = cachesOfThreeTasks(pool(HygienicExecutors.newFixedThreadPool(1, dropping)));
        assertTrue(dropped.get(0) != dropped.get(2) && dropped.get(2) != dropped.get(4),
                "under the default policy each task builds its own: " + dropped);

        ThreadHygiene keeping = ThreadHygiene.of(HygienePolicy.builder().retainTypes(EVENT, MESSAGE).build());
        ExecutorService pool = pool(HygienicExecutors.newFixedThreadPool(1, keeping));
        List<Object> kept = cachesOfThreeTasks(pool);
        assertTrue(kept.get(0) != null && kept.get(0) == kept.get(2) && kept.get(2) == kept.get(4),
                "retained, the worker keeps its log event: " + kept);
        assertTrue(kept.get(1) != null && kept.get(1) == kept.get(3) && kept.get(3) == kept.get(5),
                "and its message: " + kept);
        assertEquals(Arrays.asList(null, 0), get(pool.submit(Log4jThreadContextTest::handleAnonymousRequest)),
                "the context is still cleaned");
        assertTrue(keeping.stats().leftoversByType().keySet().stream().noneMatch(
                type -> type.endsWith(EVENT) || type.endsWith(MESSAGE)), keeping.stats().report());
    }

    /**
     * Retain rules match the value's class too, and the stack's value is log4j's own
     * MutableThreadContextStack: a prefix as broad as {@code org.apache.logging.log4j.} keeps
     * the request id that a task pushed and never popped. The map, an Object[], is still cleaned.
     */
    @Test
    void aRetainPrefixAsBroadAsLog4jsPackageAlsoKeepsTheThreadContextStack() throws Exception {
        ThreadHygiene broad = ThreadHygiene.of(HygienePolicy.builder().retainTypes("org.apache.logging.log4j.")
                .build());
        ExecutorService pool = pool(HygienicExecutors.newFixedThreadPool(1, broad));
        get(pool.submit(Log4jThreadContextTest::handleAlicesRequest));
        assertEquals(Arrays.asList(null, 1), get(pool.submit(Log4jThreadContextTest::handleAnonymousRequest)),
                "the user is gone, the request id stays");
    }

    /** Keeps each event's message, context map and stack, read on the logging thread. */
    private static final class Recorder extends AbstractAppender {
        private final List<String> messages = new ArrayList<>();
        private final List<Map<String, String>> contexts = new ArrayList<>();
        private final List<List<String>> stacks = new ArrayList<>();

        Recorder() {
            super("recorder", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public synchronized void append(LogEvent event) {
            messages.add(event.getMessage().getFormattedMessage());
            contexts.add(Map.copyOf(event.getContextData().toMap()));
            stacks.add(List.copyOf(event.getContextStack().asList()));
        }

        synchronized void clear() {
            messages.clear();
            contexts.clear();
            stacks.clear();
        }

        private synchronized int index(String message) {
            int i = messages.indexOf(message);
            if (i < 0) {
                throw new AssertionError("no log event '" + message + "' among " + messages);
            }
            return i;
        }

        synchronized Map<String, String> context(String message) {
            return contexts.get(index(message));
        }

        synchronized List<String> stack(String message) {
            return stacks.get(index(message));
        }
    }
}
