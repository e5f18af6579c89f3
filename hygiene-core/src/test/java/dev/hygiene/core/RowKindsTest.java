package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.testsupport.RawMaps;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stats' rows, and so the report and the MBean, say what kind of leftover a row counts: a
 * removal is the {@code ThreadLocal}'s type and {@code (removed)}, never an entry holding the value
 * that was removed (or {@code null}).
 */
class RowKindsTest {

    static final ThreadLocal<String> CONTEXT = new ThreadLocal<>();

    @Test
    void aRemovalIsCountedInARowOfItsOwnNotAsTheValueItRemoved() {
        ThreadHygiene audit = ThreadHygiene.auditing();
        try (ReusedThread thread = new ReusedThread("rows")) {
            thread.run(() -> CONTEXT.set("before"));           // outside any scope: part of the snapshot
            thread.run(audit, CONTEXT::remove);
            assertEquals(null, thread.call(CONTEXT::get), "AUDIT leaves the removal as it is");
            thread.run(audit, () -> CONTEXT.set("added"));
            thread.run(audit, () -> Thread.currentThread().setName("renamed"));
        }
        Map<String, Long> rows = audit.stats().leftoversByType();
        assertEquals(1L, rows.get("java.lang.ThreadLocal -> (removed)"), rows.toString());
        assertEquals(1L, rows.get("java.lang.ThreadLocal -> java.lang.String"), rows + ": the addition only");
        assertEquals(1L, rows.get("Thread.name -> java.lang.String"), rows.toString());
        assertEquals(3, rows.size(), rows.toString());
        String report = audit.stats().report();
        assertTrue(report.contains("java.lang.ThreadLocal -> (removed)"), report);
    }

    @Test
    void theControlWithoutHygieneCountsNothingAndTheRemovalSticks() {
        try (ReusedThread thread = new ReusedThread("rows-plain")) {
            thread.run(() -> CONTEXT.set("before"));
            thread.run(CONTEXT::remove);
            assertEquals(null, thread.call(CONTEXT::get));
        }
    }

    @Test
    void enforceCountsTheRemovalInItsRowAndPutsTheEntryBack() {
        ThreadHygiene enforce = ThreadHygiene.enforcing();
        try (ReusedThread thread = new ReusedThread("rows-enforce")) {
            thread.run(() -> CONTEXT.set("before"));
            thread.run(enforce, CONTEXT::remove);
            assertEquals("before", thread.call(CONTEXT::get));
        }
        assertEquals(Map.of("java.lang.ThreadLocal -> (removed)", 1L), enforce.stats().leftoversByType());
    }

    @Test
    void removingAnEntryThatHeldNullIsNoLeftoverAndEnforceStillPutsItBack() {
        ThreadHygiene audit = ThreadHygiene.auditing();
        ThreadHygiene enforce = ThreadHygiene.enforcing();
        try (ReusedThread thread = new ReusedThread("rows-null")) {
            thread.run(() -> CONTEXT.set(null));                // an entry holding null, before any scope
            thread.run(audit, CONTEXT::remove);
            thread.run(() -> CONTEXT.set(null));
            thread.run(enforce, CONTEXT::remove);
            assertTrue(thread.call(() -> RawMaps.holds(CONTEXT)),
                    "ENFORCE put the entry back");
            thread.run(enforce, () -> CONTEXT.set("x"));        // the control: a value is counted
        }
        assertEquals(Map.of(), audit.stats().leftoversByType());
        assertEquals(0, audit.stats().tasksWithLeftovers());
        assertEquals(Map.of("java.lang.ThreadLocal -> java.lang.String", 1L), enforce.stats().leftoversByType());
    }
}
