package dev.hygiene.core.internal;

import dev.hygiene.core.Leftover;
import dev.hygiene.core.Mode;
import java.lang.ref.Reference;

/**
 * {@link dev.hygiene.core.ThreadHygiene#startClean}: settles the {@code InheritableThreadLocal} values that a new,
 * unstarted thread copied from the thread that created it. Enforcing drops the whole map, retained
 * entries too: a new thread inherits nothing, as if built with {@code inheritThreadLocals = false}.
 * A cold path, run once per thread on the creating thread; the new thread cannot touch its map
 * before it starts, and {@code Thread.start()} publishes what is written here to it. JFR events
 * for these leftovers are committed on the creating thread and name the new thread as the worker.
 */
final class Inheritance {

    private Inheritance() {
    }

    static void settle(Engine hygiene, Thread thread, Mode mode) {
        Object map = JdkAccess.map(thread, true);
        Object[] tab = map == null ? null : JdkAccess.table(map);
        if (tab == null) {
            return;
        }
        Findings findings = new Findings();
        int stale = 0;
        for (Object slot : tab) {
            if (slot == null) {
                continue;
            }
            Reference<?> entry = (Reference<?>) slot;
            ThreadLocal<?> key = (ThreadLocal<?>) entry.get();
            if (key == null) {
                stale++;
            }
            // An entry holding null inherited nothing: Findings does not count it.
            findings.entry(key == null ? Leftover.Kind.STALE : Leftover.Kind.ADDED, key, JdkAccess.value(entry),
                    true);
        }
        if (mode == Mode.ENFORCE) {
            JdkAccess.setMap(thread, true, null);
            findings.expunged(stale);
        }
        Report.threadCreated(hygiene, mode, thread, findings);
    }
}
