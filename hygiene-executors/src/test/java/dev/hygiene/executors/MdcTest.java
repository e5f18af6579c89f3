package dev.hygiene.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.hygiene.core.ThreadHygiene;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * SLF4J's MDC with Logback behind it, the most common thread-local in server code: a task that puts
 * a user into the MDC and forgets to clear it makes every later log line of that worker carry the
 * user. Logback's MDC is two plain {@code ThreadLocal}s of its {@code LogbackMDCAdapter}: a
 * read-write {@code HashMap}, which {@code MDC.put} creates on first use and then changes in place,
 * and a read-only copy that log events read.
 *
 * <p>Each test runs the same steps on a plain pool of one thread (the control, which shows the
 * leak) and on a hygienic pool of one thread, so that a task and the next share the worker.
 */
class MdcTest {

    private static final Logger LOG = (Logger) LoggerFactory.getLogger(MdcTest.class);

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
        LOG.detachAppender(recorder);
        recorder.stop();
        for (ExecutorService pool : pools) {
            pool.shutdownNow();
        }
        for (ExecutorService pool : pools) {
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), pool + " did not terminate");
        }
    }

    @Test
    void userPutIntoTheMdcAndNeverClearedDoesNotReachTheNextTasksLogLines() throws Exception {
        ExecutorService control = pool(Executors.newFixedThreadPool(1));
        control.submit(MdcTest::handleAlicesRequest).get(30, TimeUnit.SECONDS);
        assertEquals("alice", control.submit(MdcTest::handleAnonymousRequest).get(30, TimeUnit.SECONDS),
                "control: the next task finds alice in the MDC");
        assertEquals("alice", recorder.user("anonymous request"), "control: and logs as alice");

        recorder.clear();
        ExecutorService pool = pool(HygienicExecutors.newFixedThreadPool(1, ThreadHygiene.enforcing()));
        pool.submit(MdcTest::handleAlicesRequest).get(30, TimeUnit.SECONDS);
        assertEquals("alice", recorder.user("alice's request"), "the leaking task did log as alice");
        assertNull(pool.submit(MdcTest::handleAnonymousRequest).get(30, TimeUnit.SECONDS));
        assertNull(recorder.user("anonymous request"), "the next task's log line carries no user");
    }

    @Test
    void workersOwnMdcClearedByATaskIsBackForTheNextTask() throws Exception {
        ExecutorService control = pool(Executors.newFixedThreadPool(1, billingWorkers()));
        control.submit(MDC::clear).get(30, TimeUnit.SECONDS);
        assertNull(control.submit(() -> MDC.get("pool")).get(30, TimeUnit.SECONDS),
                "control: a task's MDC.clear() wipes the worker's own context for good");

        ExecutorService pool = pool(HygienicExecutors.newFixedThreadPool(1, billingWorkers(), ThreadHygiene.enforcing()));
        assertEquals("billing", pool.submit(() -> MDC.get("pool")).get(30, TimeUnit.SECONDS), "the baseline");
        pool.submit(MDC::clear).get(30, TimeUnit.SECONDS);
        assertEquals("billing", pool.submit(() -> {
            LOG.info("after clear");
            return MDC.get("pool");
        }).get(30, TimeUnit.SECONDS), "the worker's context is restored after the clearing task");
        assertEquals(Map.of("pool", "billing"), recorder.mdc("after clear"), "and log events carry it again");
    }

    /**
     * The documented limit: hygiene restores map entries, not the inside of values. On a worker
     * that already has an MDC, {@code MDC.put} adds to that worker's own {@code HashMap} in place;
     * the entry still holds the same map, so there is nothing for a snapshot to put back, and the
     * next task sees the key. (A worker without an MDC of its own, the usual case, is covered by
     * the first test: there {@code put} creates the map, and hygiene removes it.)
     */
    @Test
    void mdcPutOnAWorkerThatHasAnMdcChangesThatMapInPlaceWhichHygieneCannotUndo() throws Exception {
        ExecutorService pool = pool(HygienicExecutors.newFixedThreadPool(1, billingWorkers(), ThreadHygiene.enforcing()));
        pool.submit(() -> MDC.put("user", "alice")).get(30, TimeUnit.SECONDS);
        assertEquals("alice", pool.submit(() -> MDC.get("user")).get(30, TimeUnit.SECONDS));
        pool.submit(() -> MDC.remove("user")).get(30, TimeUnit.SECONDS);
        assertNull(pool.submit(() -> MDC.get("user")).get(30, TimeUnit.SECONDS), "remove in place sticks too");
    }

    /**
     * The same limit, when the worker has also logged before its first task: Logback then caches
     * a read-only copy of the worker's MDC, which log events read. {@code MDC.put} changes the map
     * in place and drops the cached copy; hygiene puts the copy back, as it was before the task.
     * The next task's {@code MDC.get} sees the key, and its log lines do not: the two disagree
     * until the worker's MDC changes again.
     */
    @Test
    void afterAnInPlaceMdcPutLogEventsShowTheRestoredCopyWhileMdcGetShowsThePut() throws Exception {
        ExecutorService pool = pool(HygienicExecutors.newFixedThreadPool(1, task -> new Thread(() -> {
            MDC.put("pool", "billing");
            LOG.info("worker started");
            task.run();
        }, "billing-worker"), ThreadHygiene.enforcing()));
        pool.submit(() -> MDC.put("user", "alice")).get(30, TimeUnit.SECONDS);
        assertEquals("alice", pool.submit(() -> {
            LOG.info("next task");
            return MDC.get("user");
        }).get(30, TimeUnit.SECONDS), "MDC.get reads the changed map");
        assertEquals(Map.of("pool", "billing"), recorder.mdc("next task"), "log events read the restored copy");
    }

    // ---------------------------------------------------------------------------------------------

    private ExecutorService pool(ExecutorService pool) {
        pools.add(pool);
        return pool;
    }

    /** Workers that put their pool's name into their MDC before they run any task. */
    private static ThreadFactory billingWorkers() {
        return task -> new Thread(() -> {
            MDC.put("pool", "billing");
            task.run();
        }, "billing-worker");
    }

    private static void handleAlicesRequest() {
        MDC.put("user", "alice");
        LOG.info("alice's request");
        // forgets MDC.remove("user")
    }

    private static String handleAnonymousRequest() {
        LOG.info("anonymous request");
        return MDC.get("user");
    }

    /** Keeps each event's message and the MDC it carried, read on the logging thread. */
    private static final class Recorder extends AppenderBase<ILoggingEvent> {
        private final List<ILoggingEvent> events = new ArrayList<>();
        private final List<Map<String, String>> mdcs = new ArrayList<>();

        @Override
        protected synchronized void append(ILoggingEvent event) {
            events.add(event);
            mdcs.add(Map.copyOf(event.getMDCPropertyMap()));
        }

        synchronized void clear() {
            events.clear();
            mdcs.clear();
        }

        synchronized Map<String, String> mdc(String message) {
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).getFormattedMessage().equals(message)) {
                    return mdcs.get(i);
                }
            }
            throw new AssertionError("no log event '" + message + "' among " + events);
        }

        String user(String message) {
            return mdc(message).get("user");
        }
    }
}
