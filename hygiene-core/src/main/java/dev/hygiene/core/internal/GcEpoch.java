package dev.hygiene.core.internal;

import java.lang.ref.WeakReference;

/**
 * Tells whether a garbage collection ran since a moment: a weak reference to an object nobody else
 * holds is cleared by the first collection of the young generation, which every collection
 * includes. An auditing snapshot uses it to tell an entry its task removed from one the JDK
 * expunged after the GC cleared its key (see {@link MapSnapshot}). Reading it allocates nothing
 * until a collection cleared the current epoch; then the first reader starts the next one.
 */
final class GcEpoch {

    private static volatile WeakReference<Object> current = new WeakReference<>(new Object());

    private GcEpoch() {
    }

    /** The current epoch: cleared once a collection ran after it began. */
    static WeakReference<Object> current() {
        WeakReference<Object> epoch = current;
        if (epoch.refersTo(null)) {
            current = epoch = new WeakReference<>(new Object());
        }
        return epoch;
    }
}
