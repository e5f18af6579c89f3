package dev.hygiene.executors;

import dev.hygiene.core.ThreadHygiene;

/** The {@code afterExecute} of both hygienic pools. */
final class Hooks {

    private Hooks() {
    }

    /**
     * Closes the task's scope. When {@code afterExecute} throws, {@code ThreadPoolExecutor} calls it
     * once more with what it threw, and the first call has already closed the scope: that second
     * call must not replace the error that is ending the worker with a complaint about unpaired
     * hooks.
     */
    static void afterExecute(ThreadHygiene hygiene, Throwable failure) {
        try {
            hygiene.afterTask();
        } catch (IllegalStateException unpaired) {
            if (failure == null) {
                throw unpaired;
            }
        }
    }
}
