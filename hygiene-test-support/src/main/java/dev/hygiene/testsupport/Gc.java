package dev.hygiene.testsupport;

import static org.awaitility.Awaitility.await;

import java.lang.ref.Reference;
import java.time.Duration;
import java.util.Collection;

/**
 * The garbage collector, as the leak tests use it. A test that proves something can be freed holds
 * it through a {@link java.lang.ref.WeakReference} and {@linkplain #awaitCleared awaits} its
 * clearing, running a GC at every poll; its control, which proves the same object is still held on
 * a plain thread, {@linkplain #collect collects} a few times and then asserts that the reference
 * is not cleared.
 *
 * <p>{@code System.gc()} is a request: a JVM may run no collection, or one that leaves a given
 * object for later. So a wait polls until the reference clears or a timeout passes, and only the
 * timeout fails; {@link #collect()} can never prove that something is held, only that it survived
 * the collections that ran, which is what the controls claim.
 */
public final class Gc {

    /** How long a wait lasts at most by default: a loaded two-core machine can be slow to collect. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private Gc() {
    }

    /** Runs the collector three times; for controls whose referent is strongly held, so must survive. */
    public static void collect() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
    }

    /**
     * Runs the collector every 50 ms until {@code ref} is cleared, for at most {@link #TIMEOUT}.
     *
     * @param ref the reference to the object that must become unreachable
     * @throws org.awaitility.core.ConditionTimeoutException when it is not cleared in time
     */
    public static void awaitCleared(Reference<?> ref) {
        await().atMost(TIMEOUT).pollInterval(POLL_INTERVAL).until(() -> {
            System.gc();
            return ref.refersTo(null);
        });
    }

    /**
     * Runs the collector every 50 ms until every reference of {@code refs} is cleared.
     *
     * @param what what the wait is for, named in the failure
     * @param refs the references to the objects that must become unreachable
     * @param atMost how long to wait
     * @throws org.awaitility.core.ConditionTimeoutException when some are not cleared in time
     */
    public static void awaitAllCleared(String what, Collection<? extends Reference<?>> refs, Duration atMost) {
        await(what).atMost(atMost).pollInterval(POLL_INTERVAL).until(() -> {
            System.gc();
            return alive(refs) == 0;
        });
    }

    /**
     * Counts the references not cleared yet; runs no collection.
     *
     * @param refs the references
     * @return how many of them still refer to their object
     */
    public static int alive(Collection<? extends Reference<?>> refs) {
        int alive = 0;
        for (Reference<?> ref : refs) {
            if (!ref.refersTo(null)) {
                alive++;
            }
        }
        return alive;
    }
}
