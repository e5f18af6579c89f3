package dev.hygiene.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.core.Leftover;
import org.junit.jupiter.api.Test;

class FindingsTest {

    private final Findings findings = new Findings();
    private final ThreadLocal<Object> plain = new ThreadLocal<>();
    private final InheritableThreadLocal<Object> inheritableLocal = new InheritableThreadLocal<>();

    @Test
    void equalLeftoversInARowAreOneFindingWithRepeats() {
        findings.entry(Leftover.Kind.ADDED, plain, "a", false);
        findings.entry(Leftover.Kind.ADDED, plain, "b", false);
        findings.entry(Leftover.Kind.ADDED, plain, "c", false);

        assertEquals(1, findings.size());
        assertEquals(3, findings.count());
        assertEquals(3, findings.repeats(0));
        assertEquals(Leftover.Kind.ADDED, findings.kind(0));
        assertEquals(ThreadLocal.class, findings.localType(0));
        assertEquals(String.class, findings.valueType(0));
    }

    @Test
    void everyFindingReadsBackWhetherItIsTheLastOrAnEarlierOne() {
        // More findings than the first capacity, each differing from the one before it.
        int n = 21;
        for (int i = 0; i < n; i++) {
            if (i % 3 == 2) {
                findings.threadState("name", "worker-" + i);
            } else if (i % 3 == 1) {
                findings.entry(Leftover.Kind.CHANGED, inheritableLocal, i, true);
                findings.entry(Leftover.Kind.CHANGED, inheritableLocal, i, true);
            } else {
                findings.entry(Leftover.Kind.ADDED, plain, "value " + i, false);
            }
        }

        assertEquals(n, findings.size());
        assertEquals(n + n / 3, findings.count());
        for (int i = 0; i < n; i++) {
            if (i % 3 == 2) {
                assertEquals(Leftover.Kind.THREAD_STATE, findings.kind(i), "finding " + i);
                assertEquals("name", findings.property(i), "finding " + i);
                assertNull(findings.localType(i), "finding " + i);
                assertEquals(String.class, findings.valueType(i), "finding " + i);
                assertFalse(findings.inheritable(i), "finding " + i);
                assertEquals(1, findings.repeats(i), "finding " + i);
            } else if (i % 3 == 1) {
                assertEquals(Leftover.Kind.CHANGED, findings.kind(i), "finding " + i);
                assertNull(findings.property(i), "finding " + i);
                assertEquals(InheritableThreadLocal.class, findings.localType(i), "finding " + i);
                assertEquals(Integer.class, findings.valueType(i), "finding " + i);
                assertTrue(findings.inheritable(i), "finding " + i);
                assertEquals(2, findings.repeats(i), "finding " + i);
            } else {
                assertEquals(Leftover.Kind.ADDED, findings.kind(i), "finding " + i);
                assertEquals(ThreadLocal.class, findings.localType(i), "finding " + i);
                assertEquals(String.class, findings.valueType(i), "finding " + i);
                assertFalse(findings.inheritable(i), "finding " + i);
                assertEquals(1, findings.repeats(i), "finding " + i);
            }
        }
    }

    @Test
    void aChangeThenAnAdditionAreTwoFindingsThatBothReadBackAfterAClear() {
        findings.entry(Leftover.Kind.ADDED, inheritableLocal, 1L, true);
        findings.clear();

        findings.entry(Leftover.Kind.CHANGED, plain, "replacement", false);
        findings.entry(Leftover.Kind.CHANGED, plain, "replacement", false);
        findings.entry(Leftover.Kind.ADDED, plain, 7, false);

        assertEquals(2, findings.size());
        assertEquals(3, findings.count());
        assertEquals(Leftover.Kind.CHANGED, findings.kind(0));
        assertEquals(String.class, findings.valueType(0));
        assertEquals(2, findings.repeats(0));
        assertEquals(Leftover.Kind.ADDED, findings.kind(1));
        assertEquals(Integer.class, findings.valueType(1));
        assertEquals(1, findings.repeats(1));
        for (int i = 0; i < 2; i++) {
            assertEquals(ThreadLocal.class, findings.localType(i), "finding " + i);
            assertFalse(findings.inheritable(i), "finding " + i);
            assertNull(findings.property(i), "finding " + i);
        }
    }

    @Test
    void sameRowComparesTheLastFindingWithTheOnesBeforeIt() {
        findings.entry(Leftover.Kind.ADDED, plain, "a", false);
        findings.entry(Leftover.Kind.CHANGED, plain, "b", false);
        findings.entry(Leftover.Kind.REMOVED, plain, "c", false);

        assertTrue(findings.sameRow(0, 1), "added and changed entries of one type share a row");
        assertFalse(findings.sameRow(1, 2), "a removal has its own row");
        assertFalse(findings.sameRow(2, 0), "a removal has its own row");
    }

    @Test
    void clearForgetsEveryFindingAndTheLastOneIsNotRepeatedAfterIt() {
        findings.entry(Leftover.Kind.ADDED, plain, "a", false);
        findings.entry(Leftover.Kind.CHANGED, plain, "b", false);
        findings.expunged(2);

        findings.clear();

        assertEquals(0, findings.size());
        assertEquals(0, findings.count());
        assertEquals(0, findings.staleExpunged());
        findings.entry(Leftover.Kind.CHANGED, plain, "c", false);
        assertEquals(1, findings.size());
        assertEquals(1, findings.repeats(0), "the finding before clear() is not counted again");
    }

    @Test
    void anEntryAddedHoldingNullIsNoFinding() {
        findings.entry(Leftover.Kind.ADDED, plain, null, false);

        assertEquals(0, findings.count());
        assertEquals(0, findings.size());
    }
}
