package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.testsupport.RawMaps;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ENFORCE invariant of DESIGN.md, one rule per test. Every test runs the same steps on a plain
 * reused thread (the dirty control, which must show the dirt) and under hygiene (which must not).
 */
class EnforceTest extends DirtyControlTest {

    private final ThreadLocal<Object> local = new ThreadLocal<>();
    private final ThreadLocal<Object> other = new ThreadLocal<>();
    private final InheritableThreadLocal<Object> inheritable = new InheritableThreadLocal<>();
    private ThreadHygiene hygiene;

    @BeforeEach
    void start() {
        hygiene = ThreadHygiene.enforcing();
    }

    /** Runs {@code steps} as one task and then {@code probe} as the next task on the same thread. */
    private <T> T nextTaskSees(ReusedThread thread, ThreadHygiene h, Runnable steps, Callable<T> probe) {
        thread.run(h, steps);
        return thread.call(probe);
    }

    @Test
    void removesEntryThatTaskAdded() {
        Object alice = new Object();
        assertSame(alice, nextTaskSees(plain, null, () -> local.set(alice), local::get), "control: the plain thread leaks");
        assertNull(nextTaskSees(hygienic, hygiene, () -> local.set(alice), local::get));
    }

    @Test
    void restoresValueThatTaskOverwrote() {
        Object before = new StringBuilder("before");
        Object after = new Object();
        plain.run(() -> local.set(before));
        hygienic.run(() -> local.set(before));
        assertSame(after, nextTaskSees(plain, null, () -> local.set(after), local::get), "control");
        assertSame(before, nextTaskSees(hygienic, hygiene, () -> local.set(after), local::get),
                "the very same reference is put back, not a copy");
    }

    @Test
    void restoresEntryThatTaskRemoved() {
        Object before = new Object();
        plain.run(() -> local.set(before));
        hygienic.run(() -> local.set(before));
        assertNull(nextTaskSees(plain, null, local::remove, local::get), "control");
        assertSame(before, nextTaskSees(hygienic, hygiene, local::remove, local::get));
    }

    @Test
    void restoresEntryThatTaskRemovedAndSetAgain() {
        Object before = new Object();
        Object after = new Object();
        plain.run(() -> local.set(before));
        hygienic.run(() -> local.set(before));
        Runnable steps = () -> {
            local.remove();
            local.set(after);
        };
        assertSame(after, nextTaskSees(plain, null, steps, local::get), "control");
        assertSame(before, nextTaskSees(hygienic, hygiene, steps, local::get));
    }

    @Test
    void restoresInheritableMapLikeTheOther() {
        Object before = new Object();
        Object added = new Object();
        plain.run(() -> inheritable.set(before));
        hygienic.run(() -> inheritable.set(before));
        Runnable steps = () -> {
            inheritable.remove();
            other.set(added);
        };
        Callable<List<Object>> probe = () -> listOf(inheritable.get(), other.get());
        assertEquals(listOf(null, added), nextTaskSees(plain, null, steps, probe), "control");
        assertEquals(listOf(before, null), nextTaskSees(hygienic, hygiene, steps, probe));
    }

    @Test
    void leavesInheritableMapAloneWhenPolicyExcludesIt() {
        ThreadHygiene localsOnly = ThreadHygiene.of(HygienePolicy.builder().inheritable(false).build());
        Object value = new Object();
        Runnable steps = () -> {
            inheritable.set(value);
            local.set(value);
        };
        Callable<List<Object>> probe = () -> listOf(inheritable.get(), local.get());
        assertEquals(listOf(value, value), nextTaskSees(plain, null, steps, probe), "control");
        assertEquals(listOf(value, null), nextTaskSees(hygienic, localsOnly, steps, probe));
    }

    @Test
    void restoresStateWhenTaskThrows() {
        Object value = new Object();
        Runnable steps = () -> {
            local.set(value);
            throw new IllegalStateException("task failed");
        };
        assertThrows(IllegalStateException.class, () -> plain.run(null, steps));
        assertSame(value, plain.call(local::get), "control");
        assertThrows(IllegalStateException.class, () -> hygienic.run(hygiene, steps));
        assertNull(hygienic.call(local::get));
    }

    @Test
    void restoresStateWhenTaskThrowsError() {
        Object value = new Object();
        Runnable steps = () -> {
            local.set(value);
            throw new AssertionError("task failed hard");
        };
        assertThrows(AssertionError.class, () -> plain.run(null, steps));
        assertSame(value, plain.call(local::get), "control");
        assertThrows(AssertionError.class, () -> hygienic.run(hygiene, steps));
        assertNull(hygienic.call(local::get));
    }

    @Test
    void keepsEveryBaselineEntryWhenTaskAddsHundredsAndForcesRehash() {
        int baseline = 20;
        List<ThreadLocal<Object>> kept = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < baseline; i++) {
            kept.add(new ThreadLocal<>());
            values.add("value-" + i);
        }
        List<ThreadLocal<Object>> added = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            added.add(new ThreadLocal<>());
        }
        Runnable setBaseline = () -> {
            for (int i = 0; i < baseline; i++) {
                kept.get(i).set(values.get(i));
            }
        };
        Runnable steps = () -> {
            for (int i = 0; i < added.size(); i++) {
                added.get(i).set(i);
            }
            kept.get(3).set("overwritten");
            kept.get(7).remove();
        };
        Callable<List<Object>> probe = () -> {
            List<Object> seen = new ArrayList<>();
            for (ThreadLocal<Object> l : kept) {
                seen.add(l.get());
            }
            int leaked = 0;
            for (ThreadLocal<Object> l : added) {
                if (l.get() != null) {
                    leaked++;
                }
            }
            seen.add(leaked);
            return seen;
        };
        plain.run(setBaseline);
        hygienic.run(setBaseline);
        List<Object> dirty = nextTaskSees(plain, null, steps, probe);
        assertEquals(500, dirty.get(baseline), "control: every added entry leaks");
        List<Object> clean = nextTaskSees(hygienic, hygiene, steps, probe);
        List<Object> expected = new ArrayList<>(values);
        expected.add(0);
        assertEquals(expected, clean);
        // probe's get() calls, outside hygiene, added null-valued entries: they are baseline now and stay
        assertEquals(expected, nextTaskSees(hygienic, hygiene, () -> { }, probe));
    }

    @Test
    void tableStaysUsableAfterRebuild() {
        // A removal forces the general path, which refills the table; the JDK's own probing must
        // find every entry afterwards, including ones put back and ones the task set afterwards.
        List<ThreadLocal<Object>> locals = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            locals.add(new ThreadLocal<>());
        }
        hygienic.run(() -> {
            for (int i = 0; i < locals.size(); i++) {
                locals.get(i).set(i);
            }
        });
        for (int round = 0; round < 50; round++) {
            int victim = round % locals.size();
            hygienic.run(hygiene, () -> {
                locals.get(victim).remove();
                new ThreadLocal<>().set("noise");
            });
            List<Object> seen = hygienic.call(() -> {
                List<Object> values = new ArrayList<>();
                for (ThreadLocal<Object> l : locals) {
                    values.add(l.get());
                }
                return values;
            });
            for (int i = 0; i < locals.size(); i++) {
                assertEquals(i, seen.get(i), "round " + round + ", local " + i);
            }
        }
    }

    @Test
    void restoresCallersStateWhenNestedScopeCloses() {
        Object callers = new Object();
        Object inner = new Object();
        List<Object> seen = hygienic.call(() -> {
            List<Object> values = new ArrayList<>();
            try (TaskScope outer = hygiene.enter()) {
                local.set(callers);
                try (TaskScope nested = hygiene.enter()) {
                    local.set(inner);
                    other.set(inner);
                }
                values.add(local.get());
                values.add(other.get());
            }
            values.add(local.get());
            return values;
        });
        assertEquals(listOf(callers, null, null), seen);
    }

    @Test
    void restoresStateOfAPlainThreadThatOpensAScope() {
        // A caller-runs task runs inline on the submitting thread: the submitter's own state stays.
        Object mine = new Object();
        Object theirs = new Object();
        List<Object> seen = plain.call(() -> {
            local.set(mine);
            Runnable inline = hygiene.wrap(() -> {
                local.set(theirs);
                other.set(theirs);
            });
            inline.run();
            return listOf(local.get(), other.get());
        });
        assertEquals(listOf(mine, null), seen);
    }

    @Test
    void countsWhatItUndidInStats() {
        Object value = new Object();
        hygienic.run(hygiene, () -> local.set(value));
        hygienic.run(hygiene, () -> { });
        HygieneStats stats = hygiene.stats();
        assertEquals(2, stats.tasks());
        assertEquals(1, stats.tasksWithLeftovers());
        assertEquals(1, stats.leftovers());
        assertEquals(1L, stats.leftoversByType().get("java.lang.ThreadLocal -> java.lang.Object"));
        assertTrue(stats.report().contains("java.lang.ThreadLocal -> java.lang.Object"), stats.report());
    }

    @Test
    void removesTheNullEntryOfAGetThatFoundNothingWithoutCountingIt() {
        ThreadHygiene audit = ThreadHygiene.auditing();
        assertTrue(nextTaskSees(plain, null, local::get, () -> RawMaps.holds(local, false)),
                "control: a get() that found nothing leaves an entry holding null");
        assertTrue(nextTaskSees(hygienic, audit, local::get, () -> RawMaps.holds(local, false)),
                "AUDIT leaves it");
        hygienic.run(local::remove);
        assertFalse(nextTaskSees(hygienic, hygiene, local::get, () -> RawMaps.holds(local, false)),
                "ENFORCE removes it, as every entry the task added");
        assertEquals(0, hygiene.stats().leftovers(), "but it carries nothing, so it is no leftover");
        assertEquals(0, hygiene.stats().tasksWithLeftovers());
        assertEquals(0, audit.stats().leftovers(), hygiene.stats().report());
    }

    private static List<Object> listOf(Object... values) {
        List<Object> list = new ArrayList<>();
        for (Object v : values) {
            list.add(v);
        }
        return list;
    }
}
