package dev.hygiene.core;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ThreadHygiene#startClean}: settles the {@code InheritableThreadLocal} values that a new,
 * unstarted thread copied from the thread that created it. Enforcing drops the whole map, retained
 * entries too: a new thread inherits nothing, as if built with {@code inheritThreadLocals = false}.
 * A cold path, run once per thread on the creating thread; the new thread cannot touch its map
 * before it starts, and {@code Thread.start()} publishes what is written here to it. JFR events
 * for these leftovers are committed on the creating thread and name the new thread as the worker.
 */
final class Inheritance {

    private Inheritance() {
    }

    static void settle(ThreadHygiene hygiene, Thread thread) {
        Object map = JdkAccess.map(thread, true);
        Object[] tab = map == null ? null : JdkAccess.table(map);
        if (tab == null) {
            return;
        }
        int leftovers = 0;
        int stale = 0;
        boolean recording = LeftoverEvents.isRecording();
        List<Leftover> found = hygiene.listener == null && !recording ? null : new ArrayList<>();
        for (Object slot : tab) {
            if (slot == null) {
                continue;
            }
            Reference<?> entry = (Reference<?>) slot;
            ThreadLocal<?> key = (ThreadLocal<?>) entry.get();
            Object value = JdkAccess.value(entry);
            if (key != null && value == null) {
                continue;   // nothing inherited: not a leftover, as in Frame.leftover
            }
            leftovers++;
            if (key == null) {
                stale++;
            }
            hygiene.stats.counter(key == null ? null : key.getClass(), value == null ? null : value.getClass(),
                    key == null ? Leftover.Kind.STALE : Leftover.Kind.ADDED, true, Leftover.THREAD_CREATION, null)
                    .increment();
            if (found != null) {
                found.add(new Leftover(key == null ? Leftover.Kind.STALE : Leftover.Kind.ADDED,
                        key == null ? Leftover.COLLECTED : key.getClass().getName(),
                        value == null ? null : value.getClass().getName(), true, Leftover.THREAD_CREATION));
            }
        }
        if (hygiene.enforce) {
            JdkAccess.setMap(thread, true, null);
        } else {
            stale = 0;
        }
        hygiene.threadCreated(thread, hygiene.listener == null ? null : found, leftovers, stale);
        if (recording) {
            LeftoverEvents.commit(hygiene.policy(), found, thread.getName(), thread.getId());
        }
    }
}
