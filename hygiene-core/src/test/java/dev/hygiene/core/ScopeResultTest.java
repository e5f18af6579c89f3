package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TaskScope#finish()}: the leftovers of the scope just closed, in both modes, without a
 * policy-wide listener, and the same ones the listener and the stats see.
 */
class ScopeResultTest {

    private final ThreadLocal<Object> local = new ThreadLocal<>();
    private final InheritableThreadLocal<Object> inherited = new InheritableThreadLocal<>();
    private ReusedThread thread;

    @BeforeEach
    void start() {
        thread = new ReusedThread("scope-result");
    }

    @AfterEach
    void stop() {
        thread.close();
    }

    private List<Leftover> finishAround(ThreadHygiene hygiene, Runnable task) {
        return thread.call(() -> {
            TaskScope scope = hygiene.enter(task);
            task.run();
            return scope.finish();
        });
    }

    @Test
    void enforcingScopeReturnsWhatItsTaskLeftAfterRestoringIt() {
        Object before = new Object();
        thread.run(() -> local.set(before));
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        Runnable task = new AuditTest.LeakyHandler(() -> {
            local.set("changed");
            inherited.set(7);
        });

        List<Leftover> found = finishAround(hygiene, task);

        String handler = AuditTest.LeakyHandler.class.getName();
        assertEquals(List.of(
                new Leftover(Leftover.Kind.CHANGED, "java.lang.ThreadLocal", "java.lang.String", false, handler),
                new Leftover(Leftover.Kind.ADDED, "java.lang.InheritableThreadLocal", "java.lang.Integer", true,
                        handler)), found);
        assertSame(before, thread.call(local::get), "restored before finish() returned");
        assertNull(thread.call(inherited::get));
        assertEquals(2, hygiene.stats().leftovers(), "counted once, as a plain close counts");
    }

    @Test
    void auditingScopeReturnsTheLeftoversAndLeavesThem() {
        ThreadHygiene hygiene = ThreadHygiene.auditing();
        List<Leftover> found = finishAround(hygiene, new AuditTest.LeakyHandler(() -> local.set("kept")));

        assertEquals(List.of(new Leftover(Leftover.Kind.ADDED, "java.lang.ThreadLocal", "java.lang.String", false,
                AuditTest.LeakyHandler.class.getName())), found);
        assertEquals("kept", thread.call(local::get), "AUDIT leaves the entry");
    }

    @Test
    void cleanTaskAndOffModeReturnNothing() {
        assertEquals(List.of(), finishAround(ThreadHygiene.enforcing(), () -> {
            local.set("tidy");
            local.remove();
        }));
        ThreadHygiene off = ThreadHygiene.of(HygienePolicy.builder().mode(Mode.OFF).build());
        assertEquals(List.of(), finishAround(off, () -> local.set("left under OFF")));
        assertEquals("left under OFF", thread.call(local::get), "control: the task did leave something");
    }

    @Test
    void resultIsTheListenersListAndNestedScopesReportTheirOwn() {
        List<Leftover> heard = new CopyOnWriteArrayList<>();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder()
                .onLeftovers((worker, leftovers) -> heard.addAll(leftovers)).build());
        ThreadLocal<Object> inner = new ThreadLocal<>();
        List<Leftover> found = finishAround(hygiene, () -> {
            local.set("outer");
            hygiene.wrap(() -> inner.set("inner")).run();
        });

        assertEquals(1, found.size(), found.toString());
        assertEquals("java.lang.String", found.get(0).valueType());
        assertEquals(2, heard.size(), "the listener heard the nested scope's and the outer one's");
        assertTrue(heard.containsAll(found));
        assertThrows(UnsupportedOperationException.class, () -> found.add(found.get(0)), "the result is immutable");
    }

    @Test
    void equalLeftoversAreEachReturnedHeardAndCounted() {
        List<Leftover> heard = new CopyOnWriteArrayList<>();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder()
                .onLeftovers((worker, leftovers) -> heard.addAll(leftovers)).build());
        List<ThreadLocal<Object>> strings = List.of(new ThreadLocal<>(), new ThreadLocal<>(), new ThreadLocal<>());
        ThreadLocal<Object> number = new ThreadLocal<>();
        Runnable task = new AuditTest.LeakyHandler(() -> {
            strings.forEach(l -> l.set("same types"));
            number.set(42);
        });

        List<Leftover> found = finishAround(hygiene, task);

        Leftover string = new Leftover(Leftover.Kind.ADDED, "java.lang.ThreadLocal", "java.lang.String", false,
                AuditTest.LeakyHandler.class.getName());
        assertEquals(4, found.size(), found.toString());
        assertEquals(3, found.stream().filter(string::equals).count(), "one leftover per entry, equal ones too");
        assertEquals(1, found.stream().filter(l -> "java.lang.Integer".equals(l.valueType())).count());
        assertEquals(found, heard, "the listener heard the same list");
        assertEquals(4, hygiene.stats().leftovers());
        assertEquals(Long.valueOf(3), hygiene.stats().leftoversByType().get("java.lang.ThreadLocal -> java.lang.String"));
        assertEquals(Long.valueOf(1), hygiene.stats().leftoversByType().get("java.lang.ThreadLocal -> java.lang.Integer"));
        for (ThreadLocal<Object> l : strings) {
            assertNull(thread.call(l::get), "each was removed");
        }
    }

    @Test
    void finishingTwiceIsRejectedLikeClosingTwice() {
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        IllegalStateException e = thread.call(() -> {
            TaskScope scope = hygiene.enter();
            scope.finish();
            return assertThrows(IllegalStateException.class, scope::finish);
        });
        assertTrue(e.getMessage().contains("already closed"), e.getMessage());
    }
}
