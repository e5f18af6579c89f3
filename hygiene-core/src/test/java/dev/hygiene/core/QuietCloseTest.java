package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seams for bytecode advice: {@link TaskScope#closeQuietly()} never throws and settles the
 * thread even when scopes were left open, and {@link ThreadHygiene#run(Runnable, Class)} runs a
 * task in a scope attributed to the given type, passing the task's own exception through.
 */
class QuietCloseTest {

    private final ThreadLocal<Object> local = new ThreadLocal<>();
    private ReusedThread thread;

    @BeforeEach
    void start() {
        thread = new ReusedThread("quiet-close");
    }

    @AfterEach
    void stop() {
        thread.close();
    }

    @Test
    void closesScopesLeftOpenInsideItInnermostFirstAndRestoresTheThread() {
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        ThreadLocal<Object> inner = new ThreadLocal<>();
        thread.run(() -> {
            TaskScope outer = hygiene.enter();
            local.set("outer leftover");
            hygiene.enter();                    // a task that never closes its scope
            inner.set("inner leftover");
            outer.closeQuietly();
        });
        assertNull(thread.call(local::get));
        assertNull(thread.call(inner::get));
        assertEquals(2, hygiene.stats().tasks(), "both scopes were closed");
        assertEquals(2, hygiene.stats().leftovers());

        IllegalStateException control = thread.call(() -> {
            TaskScope outer = hygiene.enter();
            TaskScope open = hygiene.enter();
            IllegalStateException rejected = assertThrows(IllegalStateException.class, outer::close);
            open.close();
            outer.close();
            return rejected;
        });
        assertTrue(control.getMessage().contains("out of order"), "control: a plain close() rejects this");
    }

    @Test
    void misuseChangesNothingAndDoesNotThrow() {
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        TaskScope closedTwice = thread.call(() -> {
            TaskScope scope = hygiene.enter();
            scope.close();
            local.set("set after the scope closed");
            scope.closeQuietly();
            return scope;
        });
        assertEquals("set after the scope closed", thread.call(local::get), "a closed scope restores nothing");
        assertEquals(1, hygiene.stats().tasks());

        TaskScope open = thread.call(hygiene::enter);
        open.closeQuietly();                    // from the test thread, not the one that entered it
        thread.run(() -> {
            local.set("left inside the open scope");
            open.close();
        });
        assertEquals("set after the scope closed", thread.call(local::get),
                "the scope stayed open and its own thread closed it");
        assertThrows(IllegalStateException.class, closedTwice::close, "control: a plain close() throws");
    }

    /** The type a caller charges the task to, as advice that knows what was submitted would. */
    static final class Submitted {
    }

    @Test
    void runChargesTheGivenTypeAndPassesTheTasksExceptionThrough() {
        List<Leftover> heard = new CopyOnWriteArrayList<>();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder()
                .onLeftovers((worker, leftovers) -> heard.addAll(leftovers)).build());
        IllegalArgumentException thrown = new IllegalArgumentException("the task's own");

        IllegalArgumentException seen = thread.call(() -> assertThrows(IllegalArgumentException.class,
                () -> hygiene.run(() -> {
                    local.set("leftover");
                    throw thrown;
                }, Submitted.class)));

        assertSame(thrown, seen);
        assertNull(thread.call(local::get), "restored although the task threw");
        assertEquals(List.of(new Leftover(Leftover.Kind.ADDED, "java.lang.ThreadLocal", "java.lang.String", false,
                Submitted.class.getName())), heard);

        heard.clear();
        Runnable named = new AuditTest.LeakyHandler(() -> local.set("again"));
        thread.run(() -> hygiene.run(named, null));
        assertEquals(AuditTest.LeakyHandler.class.getName(), heard.get(0).taskType(), "null: named after the task");
        assertNull(thread.call(local::get));
    }

    @Test
    void runUnderOffOnlyRunsTheTask() {
        ThreadHygiene off = ThreadHygiene.of(HygienePolicy.builder().mode(Mode.OFF).build());
        List<String> ran = new ArrayList<>();
        thread.run(() -> off.run(() -> {
            ran.add("ran");
            local.set("left");
        }, Submitted.class));
        assertEquals(List.of("ran"), ran);
        assertEquals("left", thread.call(local::get));
    }
}
