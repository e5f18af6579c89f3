package dev.hygiene.core;

import dev.hygiene.core.internal.TestAccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The thread's own state a task can change: name, priority, context class loader, handler. */
class ThreadStateTest extends DirtyControlTest {



    private static final ClassLoader FOREIGN = new URLClassLoader(new URL[0], null);
    private static final Thread.UncaughtExceptionHandler HANDLER = (t, e) -> { };

    private static void changeEverything() {
        Thread t = Thread.currentThread();
        t.setName("renamed-by-task");
        t.setPriority(Thread.MIN_PRIORITY);
        t.setContextClassLoader(FOREIGN);
        t.setUncaughtExceptionHandler(HANDLER);
    }

    private static List<Object> state() {
        Thread t = Thread.currentThread();
        return List.of(t.getName(), t.getPriority(), t.getContextClassLoader(),
                String.valueOf(TestAccess.uncaughtHandler(t)));
    }

    @Test
    void restoresNamePriorityContextLoaderAndHandler() {
        List<Object> before = hygienic.call(ThreadStateTest::state);
        plain.run(ThreadStateTest::changeEverything);
        assertEquals(List.of("renamed-by-task", Thread.MIN_PRIORITY, FOREIGN, String.valueOf(HANDLER)),
                plain.call(ThreadStateTest::state), "control");

        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        hygienic.run(hygiene, ThreadStateTest::changeEverything);
        assertEquals(before, hygienic.call(ThreadStateTest::state));
        assertNull(hygienic.call(() -> TestAccess.uncaughtHandler(Thread.currentThread())),
                "the handler field itself is back to null, not set to the thread group");
        assertEquals(4, hygiene.stats().leftovers());
        assertEquals(1L, hygiene.stats().leftoversByType().get("Thread.name -> java.lang.String"));
    }

    @Test
    void leavesThreadStateAloneWhenPolicySaysSo() {
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().restoreThreadState(false).build());
        hygienic.run(hygiene, ThreadStateTest::changeEverything);
        assertEquals("renamed-by-task", hygienic.call(() -> Thread.currentThread().getName()));
        assertSame(FOREIGN, hygienic.call(() -> Thread.currentThread().getContextClassLoader()));
        assertEquals(0, hygiene.stats().leftovers());
    }

    @Test
    void auditCountsThreadStateChangesAndKeepsThem() {
        ThreadHygiene audit = ThreadHygiene.auditing();
        hygienic.run(audit, ThreadStateTest::changeEverything);
        assertEquals("renamed-by-task", hygienic.call(() -> Thread.currentThread().getName()));
        assertEquals(4, audit.stats().leftovers());
        hygienic.run(audit, () -> { });
        assertEquals(4, audit.stats().leftovers(), "counted once, by the task that changed it");
    }
}
