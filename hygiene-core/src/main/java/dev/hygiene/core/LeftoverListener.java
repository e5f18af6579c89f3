package dev.hygiene.core;

import java.util.List;

/**
 * Told about every task that left something behind.
 *
 * <p>Called on the worker thread right after the task's scope closed: in {@link Mode#ENFORCE} after
 * the restore, in {@link Mode#AUDIT} after counting. A listener that throws is reported at WARNING
 * on the {@link System.Logger} {@code dev.hygiene}, at most once a minute per hygiene, and otherwise
 * ignored: the restore has already happened and the worker carries on. A listener should be quick; anything it leaves in the thread's own thread-locals is
 * its own business, since it runs outside the task's scope.
 */
@FunctionalInterface
public interface LeftoverListener {

    /**
     * Receives the leftovers of one task.
     *
     * @param worker the thread that ran the task
     * @param leftovers what the task left, never empty; an unmodifiable list
     */
    void onLeftovers(Thread worker, List<Leftover> leftovers);
}
