package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.testsupport.Gc;
import dev.hygiene.testsupport.RawMaps;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** AUDIT computes what ENFORCE would undo, attributes it, and changes nothing. */
class AuditTest {

    /** A named task type, so attribution can be checked. */
    static final class LeakyHandler implements Runnable {
        private final Runnable body;

        LeakyHandler(Runnable body) {
            this.body = body;
        }

        @Override
        public void run() {
            body.run();
        }
    }

    private final ThreadLocal<Object> added = new ThreadLocal<>();
    private final ThreadLocal<Object> changed = new ThreadLocal<>();
    private final InheritableThreadLocal<Object> removed = new InheritableThreadLocal<>();
    private final List<Leftover> heard = new CopyOnWriteArrayList<>();
    private ReusedThread thread;
    private ThreadHygiene audit;

    @BeforeEach
    void start() {
        thread = new ReusedThread("audited");
        audit = ThreadHygiene.of(HygienePolicy.builder().mode(Mode.AUDIT).name("audit-test")
                .onLeftovers((worker, leftovers) -> heard.addAll(leftovers)).build());
    }

    @AfterEach
    void stop() {
        thread.close();
    }

    @Test
    void leavesEverythingAsTheTaskLeftItAndCountsEachKind() {
        Object before = new Object();
        Integer after = 42;
        thread.run(() -> {
            changed.set(before);
            removed.set(before);
        });
        thread.run(new LeakyHandler(() -> { }));
        Runnable task = new LeakyHandler(() -> {
            added.set("leftover");
            changed.set(after);
            removed.remove();
        });
        thread.run(audit, task);

        assertEquals("leftover", thread.call(added::get));
        assertSame(after, thread.call(changed::get));
        assertEquals(null, thread.call(removed::get));

        String handler = LeakyHandler.class.getName();
        assertTrue(heard.contains(new Leftover(Leftover.Kind.ADDED, "java.lang.ThreadLocal", "java.lang.String",
                false, handler)), heard.toString());
        assertTrue(heard.contains(new Leftover(Leftover.Kind.CHANGED, "java.lang.ThreadLocal", "java.lang.Integer",
                false, handler)), heard.toString());
        assertTrue(heard.contains(new Leftover(Leftover.Kind.REMOVED, "java.lang.InheritableThreadLocal",
                "java.lang.Object", true, handler)), heard.toString());
        assertEquals(3, heard.size(), heard.toString());
        assertEquals(1, audit.stats().tasks());
        assertEquals(1, audit.stats().tasksWithLeftovers());
        assertEquals(3, audit.stats().leftovers());
        assertEquals(0, audit.stats().staleExpunged(), "audit never expunges");
    }

    @Test
    void countsALeftoverOnceByTheTaskThatLeftIt() {
        thread.run(audit, () -> added.set("leftover"));
        thread.run(audit, () -> { });
        thread.run(audit, added::get);
        assertEquals(3, audit.stats().tasks());
        assertEquals(1, audit.stats().leftovers());
        assertEquals(1, heard.size());
    }

    @Test
    void countsStaleEntryLeftByTaskAndLeavesItInPlace() {
        thread.run(audit, () -> {
            ThreadLocal<byte[]> perRequest = new ThreadLocal<>();
            perRequest.set(new byte[1024]);
            WeakReference<Object> key = new WeakReference<>(perRequest);
            perRequest = null;
            Gc.awaitCleared(key);
        });
        assertEquals(1, heard.size(), heard.toString());
        Leftover stale = heard.get(0);
        assertEquals(Leftover.Kind.STALE, stale.kind());
        assertEquals(Leftover.COLLECTED, stale.localType());
        assertEquals("[B", stale.valueType());
        assertEquals(1, thread.call(() -> RawMaps.staleValues(false).size()), "audit leaves the stale entry");
        assertEquals(0, audit.stats().staleExpunged());
    }

    @Test
    void enterWithoutTaskAttributesToUnknownTask() {
        thread.run(() -> {
            try (TaskScope scope = audit.enter()) {
                added.set("x");
            }
        });
        assertEquals(Leftover.UNKNOWN_TASK, heard.get(0).taskType());
        assertTrue(audit.stats().report().startsWith("hygiene 'audit-test' (AUDIT)"), audit.stats().report());
    }

    @Test
    void leftoverOfANestedTaskIsCountedOnceByThatTask() {
        Runnable inner = new LeakyHandler(() -> added.set("inner's"));
        thread.run(audit, () -> {
            try (TaskScope scope = audit.enter(inner)) {
                inner.run();
            }
        });
        assertEquals(List.of(new Leftover(Leftover.Kind.ADDED, "java.lang.ThreadLocal", "java.lang.String", false,
                LeakyHandler.class.getName())), heard, "only the inner task is blamed");
        assertEquals(1, audit.stats().leftovers());
        assertEquals(2, audit.stats().tasks());
        assertEquals(1, audit.stats().tasksWithLeftovers());
        assertEquals("inner's", thread.call(added::get), "audit changes nothing");
    }

    @Test
    void outerAuditStillCountsWhatItsOwnTaskLeftAfterANestedTask() {
        thread.run(audit, () -> {
            try (TaskScope scope = audit.enter(new LeakyHandler(() -> { }))) {
                added.set("inner's");
            }
            changed.set("outer's");
        });
        assertEquals(2, heard.size(), heard.toString());
        assertEquals(LeakyHandler.class.getName(), heard.get(0).taskType(), heard.toString());
        assertEquals("java.lang.String", heard.get(1).valueType(), heard.toString());
        assertTrue(heard.get(1).taskType().startsWith(AuditTest.class.getName()), heard.toString());
        assertEquals(2, audit.stats().leftovers());
    }

    @Test
    void auditBelowAnEnforcingScopeCountsNoRemovalThatTheEnforcingScopeUndid() {
        ThreadHygiene enforce = ThreadHygiene.enforcing();
        thread.run(audit, () -> {
            try (TaskScope middle = enforce.enter()) {
                try (TaskScope inner = audit.enter(new LeakyHandler(() -> { }))) {
                    added.set("inner's");
                }
            }
        });
        assertEquals(1, heard.size(), "the inner leftover only; the enforcing scope removed it: " + heard);
        assertEquals(Leftover.Kind.ADDED, heard.get(0).kind());
        assertEquals(null, thread.call(added::get), "the enforcing scope restored it");
        assertEquals(1, enforce.stats().leftovers(), "the enforcing scope counts what it undid");
    }
}
