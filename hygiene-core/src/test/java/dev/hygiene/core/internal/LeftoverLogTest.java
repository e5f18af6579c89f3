package dev.hygiene.core.internal;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.Leftover;
import dev.hygiene.core.Mode;
import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.core.ReusedThread;
import dev.hygiene.testsupport.LogCapture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The log tells the operator about each new kind of leftover once, in a sentence that names the
 * task, the ThreadLocal and the value and says how to fix it; it never writes a line per task.
 */
class LeftoverLogTest {

    /** A named leaking task. */
    static final class LeakyHandler implements Runnable {
        final ThreadLocal<Object> local;
        final Object value;

        LeakyHandler(ThreadLocal<Object> local, Object value) {
            this.local = local;
            this.value = value;
        }

        @Override
        public void run() {
            local.set(value);
        }
    }

    /** A value type of our own, so that the message can be checked for it. */
    static final class Session {
    }

    private LogCapture log;
    private ReusedThread thread;

    @BeforeEach
    void start() {
        log = LogCapture.start(LeftoverLog.LOGGER_NAME);
        thread = new ReusedThread("logged");
    }

    @AfterEach
    void stop() {
        thread.close();
        log.stop();
    }

    private List<String> messages() {
        List<String> out = new ArrayList<>();
        for (LogRecord record : log.records()) {
            assertEquals(Level.WARNING, record.getLevel());
            out.add(record.getMessage());
        }
        return out;
    }

    @Test
    void firstLeftoverOfATypeIsLoggedOnceWithTheFix() {
        ThreadHygiene audit = ThreadHygiene.of(HygienePolicy.builder().mode(Mode.AUDIT).name("log-audit").build());
        ThreadLocal<Object> session = new ThreadLocal<>();
        for (int i = 0; i < 20; i++) {
            thread.run(audit, new LeakyHandler(session, new Session()));
        }
        assertEquals(20, audit.stats().leftovers(), "every leftover is counted");
        List<String> messages = messages();
        assertEquals(1, messages.size(), messages.toString());
        String message = messages.get(0);
        assertTrue(message.contains("hygiene 'log-audit' (AUDIT)"), message);
        assertTrue(message.contains("task " + LeakyHandler.class.getName() + " left a java.lang.ThreadLocal holding a "
                + Session.class.getName()), message);
        assertTrue(message.contains("on thread logged"), message);
        assertTrue(message.contains("the next task on that thread sees it"), message);
        assertTrue(message.contains("remove() in a finally block"), message);
        assertTrue(message.contains("retainTypes(\"" + Session.class.getName() + "\")"), message);
    }

    @Test
    void enforceSaysTheLeftoverWasUndone() {
        ThreadHygiene enforce = ThreadHygiene.of(HygienePolicy.builder().name("log-enforce").build());
        thread.run(enforce, new LeakyHandler(new ThreadLocal<>(), new Session()));
        List<String> messages = messages();
        assertEquals(1, messages.size(), messages.toString());
        assertTrue(messages.get(0).contains("hygiene undid it"), messages.get(0));
    }

    @Test
    void newTypesPastTheLimitInAMinuteAreNotLogged() {
        ThreadHygiene audit = ThreadHygiene.of(HygienePolicy.builder().mode(Mode.AUDIT).name("log-limit").build());
        List<Class<?>> valueTypes = List.of(Session.class, String.class, Integer.class, Long.class, Short.class,
                Byte.class, Double.class, Float.class, Character.class, Boolean.class, StringBuilder.class,
                Object.class, int[].class, long[].class, byte[].class);
        for (Class<?> type : valueTypes) {
            Object value = java.lang.reflect.Array.newInstance(type, 0);
            thread.run(audit, new LeakyHandler(new ThreadLocal<>(), value));
        }
        assertEquals(valueTypes.size(), audit.stats().leftoversByType().size(), audit.stats().report());
        assertEquals(LeftoverLog.PER_MINUTE, messages().size(), messages().toString());
    }

    @Test
    void firstLineOfTheNextMinuteSaysHowManyTypesWereNotLogged() {
        long[] now = {0};
        LeftoverLog log = new LeftoverLog("log-clock", Mode.AUDIT,
                new RateLimiter(LeftoverLog.PER_MINUTE, RateLimiter.MINUTE_NANOS, () -> now[0]));
        for (int i = 0; i < LeftoverLog.PER_MINUTE + 4; i++) {
            log.firstOccurrence(new Leftover(Leftover.Kind.ADDED, "java.lang.ThreadLocal", "com.acme.Value" + i,
                    false, "com.acme.Task"), "worker-1");
        }
        assertEquals(LeftoverLog.PER_MINUTE, messages().size(), messages().toString());
        now[0] += RateLimiter.MINUTE_NANOS;
        log.firstOccurrence(new Leftover(Leftover.Kind.ADDED, "java.lang.ThreadLocal", "com.acme.Later", false,
                "com.acme.Task"), "worker-1");
        List<String> messages = messages();
        assertEquals(LeftoverLog.PER_MINUTE + 1, messages.size(), messages.toString());
        String last = messages.get(messages.size() - 1);
        assertTrue(last.contains("holding a com.acme.Later"), last);
        assertTrue(last.contains("(4 more new leftover type(s) were not logged in the last minute"), last);
        assertFalse(messages.get(0).contains("were not logged"), messages.get(0));
    }

    @Test
    void everyLineGoesToTheLoggerDevHygiene() {
        ThreadHygiene enforce = ThreadHygiene.of(HygienePolicy.builder().name("log-name").build());
        thread.run(enforce, new LeakyHandler(new ThreadLocal<>(), new Session()));
        List<LogRecord> records = log.records();
        assertEquals(1, records.size(), records.toString());
        assertEquals("dev.hygiene", records.get(0).getLoggerName());
    }

    @Test
    void messageOfALaterLineCountsTheTypesThatWereNotLogged() {
        LeftoverLog log = new LeftoverLog("later", Mode.AUDIT);
        String message = log.message(new Leftover(Leftover.Kind.CHANGED, "java.lang.ThreadLocal", "java.lang.String",
                false, "com.acme.Task"), "worker-1", 7);
        assertTrue(message.contains("task com.acme.Task replaced the value of a java.lang.ThreadLocal with a "
                + "java.lang.String on thread worker-1"), message);
        assertTrue(message.contains("7 more new leftover type(s) were not logged"), message);
    }

    private static String advice(String localType, String valueType, boolean inheritable) {
        return new LeftoverLog("advice", Mode.ENFORCE).message(
                new Leftover(Leftover.Kind.ADDED, localType, valueType, inheritable, "com.acme.Task"), "w", 0);
    }

    @Test
    void retainAdviceNamesTheNarrowestTypeAndNeverAJdkPrefixThatWouldRetainEverything() {
        assertTrue(advice("com.acme.TenantLocal", "java.lang.String", false)
                .contains("retainTypes(\"com.acme.TenantLocal\")"), "the ThreadLocal's own subclass");
        assertTrue(advice("java.lang.ThreadLocal", "com.acme.Buffer", false)
                .contains("retainTypes(\"com.acme.Buffer\")"), "the value's class");
        String jdkOnly = advice("java.lang.ThreadLocal$SuppliedThreadLocal", "java.lang.String", false);
        assertFalse(jdkOnly.contains("retainTypes"), jdkOnly);
        assertTrue(jdkOnly.contains("retain(thatThreadLocal)"), jdkOnly);
        assertTrue(advice("java.lang.ThreadLocal", "[B", false).contains("retain(thatThreadLocal)"), "an array");
        assertTrue(advice("java.lang.InheritableThreadLocal", null, true)
                .contains("left an inheritable java.lang.InheritableThreadLocal holding null"), "article and null");
    }

    @Test
    void aLeftoverOfThreadCreationNamesTheCreatingThreadAndWhatTheNewThreadInherited() {
        String message = new LeftoverLog("creation", Mode.AUDIT).message(new Leftover(Leftover.Kind.ADDED,
                "java.lang.InheritableThreadLocal", "com.acme.RequestId", true, Leftover.THREAD_CREATION), "http-1", 0);
        assertTrue(message.contains("a thread created by thread http-1 inherited an inheritable "
                + "java.lang.InheritableThreadLocal holding a com.acme.RequestId"), message);
        assertTrue(message.contains("the new thread keeps it for its whole life"), message);
    }
}
