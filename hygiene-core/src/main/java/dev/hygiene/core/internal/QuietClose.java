package dev.hygiene.core.internal;

import dev.hygiene.core.TaskScope;
/**
 * Reports what {@link TaskScope#closeQuietly()} swallowed. The first report of a JVM is logged at
 * WARNING on logger {@value LeftoverLog#LOGGER_NAME}, later ones at DEBUG: a misused or failing
 * close under bytecode advice repeats with every task, and one line says all there is to say.
 */
final class QuietClose {

    private static final FirstWarning WARNING = new FirstWarning("later ones are logged at DEBUG");

    private QuietClose() {
    }

    /** A close that {@link TaskScope#close()} would have rejected; nothing was changed. */
    static void misuse(IllegalStateException rejected) {
        log("a scope closed quietly was not closed: " + rejected.getMessage()
                + "; the thread's state was left as it is", null);
    }

    /** An unexpected failure while closing {@code scope}; the thread may not be fully settled. */
    static void failed(TaskScope scope, Throwable failure) {
        log("closing " + scope + " failed; the task's outcome is unchanged, but its thread may keep what the "
                + "task left. Please report this with the stack trace", failure);
    }

    private static void log(String message, Throwable failure) {
        WARNING.log(message, failure);
    }
}
