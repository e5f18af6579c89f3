package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.testsupport.Gc;
import dev.hygiene.testsupport.RawMaps;
import dev.hygiene.testsupport.ThrowawayLoader;
import dev.hygiene.testsupport.fixtures.Leaky;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the GC can free once hygiene has restored a thread: values of stale entries and the class
 * loaders of values left behind. Each control shows the same reference still held on a plain thread.
 */
class LeakReleaseTest extends DirtyControlTest {

    private ThreadHygiene hygiene;

    @BeforeEach
    void start() {
        hygiene = ThreadHygiene.enforcing();
    }

    /** A request-scoped ThreadLocal, set and dropped: its entry goes stale and keeps the buffer. */
    private static Runnable leaveStaleEntry(AtomicReference<WeakReference<Object>> value,
            AtomicReference<WeakReference<Object>> key) {
        return () -> {
            ThreadLocal<byte[]> perRequest = new ThreadLocal<>();
            byte[] buffer = new byte[1 << 20];
            perRequest.set(buffer);
            value.set(new WeakReference<>(buffer));
            key.set(new WeakReference<>(perRequest));
        };
    }

    @Test
    void releasesValueOfStaleEntryFromBeforeTheTask() {
        AtomicReference<WeakReference<Object>> value = new AtomicReference<>();
        AtomicReference<WeakReference<Object>> key = new AtomicReference<>();

        plain.run(leaveStaleEntry(value, key));
        Gc.awaitCleared(key.get());
        plain.run(() -> { });
        Gc.collect();
        assertFalse(value.get().refersTo(null), "control: a stale entry keeps its value on a plain thread");
        assertEquals(1, plain.call(() -> RawMaps.staleValues(false).size()));

        // Hygiene's own per-thread state must exist first: the JDK may expunge stale entries itself
        // while inserting a new entry, and this test is about hygiene doing it.
        hygienic.run(hygiene, () -> { });
        hygienic.run(leaveStaleEntry(value, key));   // outside hygiene: part of the next snapshot
        Gc.awaitCleared(key.get());
        hygienic.run(hygiene, () -> { });             // touches nothing; closing expunges
        Gc.awaitCleared(value.get());
        assertEquals(0, hygienic.call(() -> RawMaps.staleValues(false).size()));
        assertEquals(1, hygiene.stats().staleExpunged());
        assertEquals(0, hygiene.stats().leftovers(), "an entry stale before the task is not the task's leftover");
    }

    @Test
    void releasesValueOfEntryThatWentStaleDuringTheTask() {
        AtomicReference<WeakReference<Object>> value = new AtomicReference<>();
        AtomicReference<WeakReference<Object>> key = new AtomicReference<>();
        Runnable staleBeforeTaskEnds = () -> {
            leaveStaleEntry(value, key).run();
            Gc.awaitCleared(key.get());
        };

        plain.run(staleBeforeTaskEnds);
        Gc.collect();
        assertFalse(value.get().refersTo(null), "control");

        hygienic.run(hygiene, staleBeforeTaskEnds);
        Gc.awaitCleared(value.get());
        assertEquals(1, hygiene.stats().staleExpunged());
        assertEquals(1L, hygiene.stats().leftoversByType().get(Leftover.COLLECTED + " -> [B"));
    }

    @Test
    void releasesClassLoaderOfValueLeftByTask() {
        WeakReference<ClassLoader> dirty = leakFromThrowawayLoader(plain, null);
        Gc.collect();
        assertFalse(dirty.refersTo(null), "control: the plain thread pins the redeployed loader");

        WeakReference<ClassLoader> clean = leakFromThrowawayLoader(hygienic, hygiene);
        Gc.awaitCleared(clean);
        assertTrue(hygiene.stats().leftoversByType().containsKey(
                "java.lang.ThreadLocal -> dev.hygiene.testsupport.fixtures.Leaky"), hygiene.stats().report());
    }

    /** Loads Leaky in a fresh loader, runs its leak() on the thread, and forgets the loader. */
    private static WeakReference<ClassLoader> leakFromThrowawayLoader(ReusedThread thread, ThreadHygiene hygiene) {
        ClassLoader loader = new ThrowawayLoader(Leaky.class.getName());
        thread.run(hygiene, () -> {
            try {
                loader.loadClass(Leaky.class.getName()).getMethod("leak").invoke(null);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        });
        return new WeakReference<>(loader);
    }

    @Test
    void releasesValueSeenByANestedScopeOnceTheOuterScopeCloses() {
        // The nested frame snapshots the outer task's state; once both close, it must not keep it.
        ThreadLocal<Object> local = new ThreadLocal<>();
        AtomicReference<WeakReference<Object>> value = new AtomicReference<>();
        Runnable outerTask = () -> {
            Object big = new byte[1 << 20];
            local.set(big);
            value.set(new WeakReference<>(big));
            hygiene.wrap(() -> { }).run();
        };
        plain.run(outerTask);
        Gc.collect();
        assertFalse(value.get().refersTo(null), "control: the plain thread keeps what the task left");

        hygienic.run(hygiene, outerTask);
        Gc.awaitCleared(value.get());
    }

    @Test
    void releasesWhatAnEarlierHygieneSnapshottedWhenAnotherTakesOverTheThread() {
        InheritableThreadLocal<Object> inherited = new InheritableThreadLocal<>();
        AtomicReference<WeakReference<Object>> value = new AtomicReference<>();
        ThreadHygiene localsOnly = ThreadHygiene.of(HygienePolicy.builder().inheritable(false).build());
        hygienic.run(() -> {
            Object big = new byte[1 << 20];
            inherited.set(big);
            value.set(new WeakReference<>(big));
        });
        hygienic.run(hygiene, () -> { });              // snapshots both maps
        hygienic.run(inherited::remove);               // the map lets go outside any scope
        hygienic.run(localsOnly, () -> { });           // the thread's scopes now skip the inheritable map
        Gc.awaitCleared(value.get());
    }

    @Test
    void neverHoldsAKeyStronglyBetweenTasks() {
        AtomicReference<WeakReference<Object>> key = new AtomicReference<>();
        hygienic.run(() -> {
            ThreadLocal<String> dropped = new ThreadLocal<>();
            dropped.set("baseline");
            key.set(new WeakReference<>(dropped));
        });
        // Snapshots now include the entry; they must not keep its ThreadLocal alive.
        for (int i = 0; i < 3; i++) {
            hygienic.run(hygiene, () -> new ThreadLocal<>().set("noise"));
        }
        Gc.awaitCleared(key.get());
    }

    @Test
    void releasesValueOfBaselineEntryTheTaskRemovedInAuditMode() {
        // Audit leaves the removal in place; the snapshot must then not be what keeps the value alive.
        ThreadHygiene audit = ThreadHygiene.auditing();
        ThreadLocal<Object> local = new ThreadLocal<>();
        AtomicReference<WeakReference<Object>> value = new AtomicReference<>();
        hygienic.run(() -> {
            Object big = new byte[1 << 20];
            local.set(big);
            value.set(new WeakReference<>(big));
        });
        hygienic.run(audit, local::remove);
        Gc.awaitCleared(value.get());
    }
}
