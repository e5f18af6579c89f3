package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Closing a scope twice, out of order or from another thread fails loudly and corrupts nothing. */
class ScopeMisuseTest {

    private final ThreadLocal<Object> local = new ThreadLocal<>();
    private ReusedThread thread;
    private ThreadHygiene hygiene;

    @BeforeEach
    void start() {
        thread = new ReusedThread("scoped");
        hygiene = ThreadHygiene.enforcing();
    }

    @AfterEach
    void stop() {
        thread.close();
    }

    @Test
    void closingTwiceThrowsAndLeavesTheThreadAsTheFirstCloseLeftIt() {
        Object base = new Object();
        List<Object> seen = thread.call(() -> {
            local.set(base);
            TaskScope scope = hygiene.enter();
            local.set("task");
            scope.close();
            local.set("after");
            IllegalStateException e = assertThrows(IllegalStateException.class, scope::close);
            List<Object> out = new ArrayList<>();
            out.add(e.getMessage());
            out.add(local.get());
            return out;
        });
        assertTrue(((String) seen.get(0)).contains("already closed"), (String) seen.get(0));
        assertEquals("after", seen.get(1), "a second close restores nothing");
    }

    @Test
    void closingOutOfOrderThrowsAndTheRightOrderStillRestores() {
        Object base = new Object();
        List<Object> seen = thread.call(() -> {
            local.set(base);
            TaskScope outer = hygiene.enter();
            local.set("outer");
            TaskScope inner = hygiene.enter();
            local.set("inner");
            IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
            List<Object> out = new ArrayList<>();
            out.add(e.getMessage());
            out.add(local.get());
            inner.close();
            out.add(local.get());
            outer.close();
            out.add(local.get());
            return out;
        });
        assertTrue(((String) seen.get(0)).contains("out of order"), (String) seen.get(0));
        assertEquals("inner", seen.get(1), "the failed close touched nothing");
        assertEquals("outer", seen.get(2));
        assertSame(base, seen.get(3));
    }

    @Test
    void closingFromAnotherThreadThrowsAndTheOwnerCanStillClose() throws Exception {
        AtomicReference<TaskScope> scope = new AtomicReference<>();
        thread.run(() -> {
            scope.set(hygiene.enter());
            local.set("task");
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> scope.get().close());
        assertTrue(e.getMessage().contains("closed on the thread that entered it"), e.getMessage());
        assertEquals("task", thread.call(local::get), "the foreign close touched nothing");
        thread.run(() -> scope.get().close());
        assertNull(thread.call(local::get));
    }

    @Test
    void offModeScopeMayBeClosedAnyNumberOfTimes() {
        ThreadHygiene off = ThreadHygiene.of(HygienePolicy.builder().mode(Mode.OFF).build());
        TaskScope scope = off.enter();
        scope.close();
        scope.close();
        assertEquals(0, off.stats().tasks());
    }
}
