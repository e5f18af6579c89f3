package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The LeftoverListener hears every task that left something, after the restore, and cannot hurt. */
class ListenerTest {

    private final ThreadLocal<Object> local = new ThreadLocal<>();
    private ReusedThread thread;

    @BeforeEach
    void start() {
        thread = new ReusedThread("listened");
    }

    @AfterEach
    void stop() {
        thread.close();
    }

    @Test
    void hearsLeftoversAfterTheRestore() {
        List<Object> seenInListener = new CopyOnWriteArrayList<>();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().onLeftovers((worker, leftovers) -> {
            seenInListener.add(worker);
            seenInListener.add(local.get());
            seenInListener.add(leftovers.size());
        }).build());
        thread.run(hygiene, () -> local.set("leftover"));
        assertEquals(List.of(thread.thread(), "<restored>", 1),
                List.of(seenInListener.get(0), seenInListener.get(1) == null ? "<restored>" : seenInListener.get(1),
                        seenInListener.get(2)));
    }

    @Test
    void isNotCalledForACleanTask() {
        AtomicInteger calls = new AtomicInteger();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder()
                .onLeftovers((worker, leftovers) -> calls.incrementAndGet()).build());
        thread.run(hygiene, () -> {
            local.set("tidy");
            local.remove();
        });
        assertEquals(0, calls.get());
        assertEquals(1, hygiene.stats().tasks());
    }

    @Test
    void throwingListenerIsIgnoredAndTheWorkerCarriesOn() {
        AtomicInteger calls = new AtomicInteger();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().onLeftovers((worker, leftovers) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("listener bug");
        }).build());
        Thread before = thread.thread();
        thread.run(hygiene, () -> local.set("leftover"));
        thread.run(hygiene, () -> local.set("leftover again"));
        assertEquals(2, calls.get());
        assertNull(thread.call(local::get), "the restore happened before the listener threw");
        assertEquals(before, thread.call(Thread::currentThread), "the same worker survives");
        assertEquals(2, hygiene.stats().leftovers());
    }

    @Test
    void throwingListenerIsLoggedOnceAMinuteAtWarningOnLoggerDevHygiene() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage().startsWith("LeftoverListener")) { // not the first-leftover line
                    records.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("dev.hygiene");
        logger.addHandler(capture);
        logger.setUseParentHandlers(false);
        try {
            IllegalStateException bug = new IllegalStateException("listener bug");
            ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().name("listener-log")
                    .onLeftovers((worker, leftovers) -> {
                        throw bug;
                    }).build());
            for (int i = 0; i < 3; i++) {
                thread.run(hygiene, () -> local.set("leftover"));
            }
            assertEquals(1, records.size(), "three failures within a minute, one line: " + records);
            LogRecord record = records.get(0);
            assertEquals("dev.hygiene", record.getLoggerName());
            assertEquals(Level.WARNING, record.getLevel());
            assertSame(bug, record.getThrown());
            assertEquals("LeftoverListener of hygiene 'listener-log' threw (1 time(s) so far, logged at most once a "
                    + "minute); ignored: the thread was already settled and keeps working", record.getMessage());
        } finally {
            logger.removeHandler(capture);
            logger.setUseParentHandlers(true);
        }
    }

    @Test
    void listenerListIsUnmodifiable() {
        List<Boolean> unmodifiable = new CopyOnWriteArrayList<>();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().onLeftovers((worker, leftovers) -> {
            try {
                leftovers.clear();
                unmodifiable.add(false);
            } catch (UnsupportedOperationException expected) {
                unmodifiable.add(true);
            }
        }).build());
        thread.run(hygiene, () -> local.set("x"));
        assertTrue(unmodifiable.get(0));
    }
}
