package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.testsupport.Gc;
import dev.hygiene.testsupport.RawMaps;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An audit counts a {@code REMOVED} leftover exactly: for an entry the thread had before any
 * audited task (its baseline) that a task removed, whatever the GC did meanwhile, and never for an
 * entry the JDK expunged because the GC had cleared its key, nor for the removal of what an earlier
 * audited task left.
 */
class AuditRemovalTest {

    /** The type of the baseline entry, so that its rows stand apart from the tasks' additions. */
    static final class Baseline extends ThreadLocal<String> {
    }

    private final Baseline baseline = new Baseline();
    private final List<Leftover> heard = new CopyOnWriteArrayList<>();
    private ReusedThread thread;
    private ThreadHygiene audit;

    @BeforeEach
    void start() {
        thread = new ReusedThread("audit-removal");
        audit = ThreadHygiene.of(HygienePolicy.builder().mode(Mode.AUDIT)
                .onLeftovers((worker, leftovers) -> heard.addAll(leftovers)).build());
        thread.run(() -> baseline.set("the thread's own"));   // outside any scope: the baseline
    }

    @AfterEach
    void stop() {
        thread.close();
    }

    private List<Leftover> removals() {
        return heard.stream().filter(l -> l.kind() == Leftover.Kind.REMOVED).toList();
    }

    private static Leftover removalOfTheBaseline() {
        return new Leftover(Leftover.Kind.REMOVED, Baseline.class.getName(), "java.lang.String", false,
                AuditTest.LeakyHandler.class.getName());
    }

    @Test
    void anEntryTheJdkExpungedAfterTheGcClearedItsKeyIsNoRemoval() {
        AtomicReference<ThreadLocal<byte[]>> holder = new AtomicReference<>(new ThreadLocal<>());
        WeakReference<Object> key = new WeakReference<>(holder.get());
        thread.run(() -> holder.get().set(new byte[1024]));   // baseline too, its key alive at capture
        List<ThreadLocal<String>> live = new ArrayList<>();
        thread.run(audit, () -> {
            holder.set(null);
            Gc.awaitCleared(key);
            // The JDK expunges stale entries as later sets probe them, and all at its next rehash.
            for (int i = 0; i < 100 && !RawMaps.staleValues(false).isEmpty(); i++) {
                ThreadLocal<String> local = new ThreadLocal<>();
                local.set("probe");
                live.add(local);
            }
            assertTrue(RawMaps.staleValues(false).isEmpty(), "control: the JDK expunged the stale entry in the task");
        });
        assertEquals(List.of(), removals(), "the entry vanished, but no task removed it: " + heard);
        assertEquals(live.size(), heard.size(), "the probes' additions only: " + heard);
    }

    @Test
    void aBaselineEntryRemovedWhileTheGcRunsIsCounted() {
        thread.run(audit, new AuditTest.LeakyHandler(() -> {
            baseline.remove();
            Gc.collect();
        }));
        assertEquals(List.of(removalOfTheBaseline()), heard);
        assertEquals(null, thread.call(baseline::get), "AUDIT leaves the removal as it is");
    }

    @Test
    void removingWhatAnEarlierAuditedTaskLeftIsNoLeftover() {
        ThreadLocal<String> left = new ThreadLocal<>();
        thread.run(audit, () -> left.set("left behind"));
        assertEquals("left behind", thread.call(left::get), "control: the leftover reaches the next task");
        thread.run(audit, new AuditTest.LeakyHandler(left::remove));
        assertEquals(1, heard.size(), "the addition only, counted once by the task that left it: " + heard);
        assertEquals(Leftover.Kind.ADDED, heard.get(0).kind());
    }

    @Test
    void removingWhatAnEarlierAuditedTaskLeftWhileTheJdkMovesAnotherLeftoverKeepsTheCountExact() {
        // An audited task leaves two entries with one home slot, the second in the slot right after
        // the first: removing the first then makes the JDK move the second into its slot.
        ThreadLocal<String> removed = new ThreadLocal<>();
        ThreadLocal<String> moved = thread.call(() -> {
            try (TaskScope scope = audit.enter()) {
                removed.set("left first");
                for (int i = 0; i < 100_000; i++) {
                    ThreadLocal<String> candidate = new ThreadLocal<>();
                    Object[] table = RawMaps.table(Thread.currentThread(), false);
                    int home = RawMaps.slot(removed);
                    if (RawMaps.homeSlot(candidate) == home && table[(home + 1) & (table.length - 1)] == null) {
                        candidate.set("left second");
                        if (RawMaps.slot(removed) == home && RawMaps.slot(candidate) == ((home + 1) & (table.length - 1))) {
                            return candidate;
                        }
                        candidate.remove();
                    }
                }
                return null;
            }
        });
        assertTrue(moved != null, "control: no thread-local found that shares the first one's home slot");
        heard.clear();

        int[] slots = thread.call(() -> {
            int before = RawMaps.slot(moved);
            try (TaskScope scope = audit.enter(new AuditTest.LeakyHandler(removed::remove))) {
                removed.remove();
            }
            return new int[] {before, RawMaps.slot(moved)};
        });
        assertNotEquals(slots[0], slots[1], "control: the JDK moved the other leftover when the first was removed");
        assertEquals(List.of(), heard, "removing an earlier task's leftover is no leftover");

        thread.run(audit, () -> { });
        assertEquals(List.of(), heard, "after the move the snapshot mirrors the map: an idle task finds nothing");
        thread.run(audit, new AuditTest.LeakyHandler(() -> moved.set("changed")));
        assertEquals(List.of(new Leftover(Leftover.Kind.CHANGED, "java.lang.ThreadLocal", "java.lang.String", false,
                AuditTest.LeakyHandler.class.getName())), heard, "the moved entry's change is found");
        heard.clear();
        thread.run(audit, new AuditTest.LeakyHandler(baseline::remove));
        assertEquals(List.of(removalOfTheBaseline()), heard, "the baseline is still tracked");
        assertEquals("changed", thread.call(moved::get), "AUDIT left the moved entry as its task left it");
    }

    @Test
    void aBaselineEntryTheJdkMovedWhenItsTableGrewIsStillTracked() {
        Object before = thread.call(() -> RawMaps.table(Thread.currentThread(), false));
        List<ThreadLocal<String>> live = new ArrayList<>();
        thread.run(audit, () -> {
            for (int i = 0; i < 24; i++) {
                ThreadLocal<String> local = new ThreadLocal<>();
                local.set("grows the table");
                live.add(local);
            }
        });
        Object after = thread.call(() -> RawMaps.table(Thread.currentThread(), false));
        assertNotSame(before, after, "control: the JDK rehashed every entry into a new table");
        thread.run(audit, new AuditTest.LeakyHandler(baseline::remove));
        assertEquals(List.of(removalOfTheBaseline()), removals(), heard.toString());
    }

    @Test
    void aNestedAuditingScopeCountsTheRemovalOfABaselineEntryOnce() {
        thread.run(audit, () -> {
            Runnable inner = new AuditTest.LeakyHandler(baseline::remove);
            try (TaskScope scope = audit.enter(inner)) {
                inner.run();
            }
        });
        assertEquals(List.of(removalOfTheBaseline()), heard);
    }

    @Test
    void aNestedAuditingScopeCountsNoRemovalOfWhatItsEnclosingTaskAdded() {
        ThreadLocal<String> outer = new ThreadLocal<>();
        thread.run(audit, () -> {
            outer.set("the enclosing task's");
            Runnable inner = new AuditTest.LeakyHandler(outer::remove);
            try (TaskScope scope = audit.enter(inner)) {
                inner.run();
            }
        });
        assertEquals(List.of(), heard, "the enclosing task left nothing, and the inner one removed its addition");
    }

    @Test
    void afterASwitchToEnforceWhatAuditedTasksLeftIsTheBaselineAndARemovalOfItIsPutBack() {
        ThreadLocal<String> left = new ThreadLocal<>();
        thread.run(audit, () -> left.set("left while auditing"));
        audit.switchMode(Mode.ENFORCE);
        thread.run(audit, new AuditTest.LeakyHandler(left::remove));
        assertEquals("left while auditing", thread.call(left::get), "ENFORCE put back what its task removed");
        assertEquals(Leftover.Kind.REMOVED, heard.get(heard.size() - 1).kind(), heard.toString());
        assertFalse(thread.call(() -> RawMaps.brokenInvariant(Thread.currentThread(), false) != null),
                "the map is sound");
    }
}
