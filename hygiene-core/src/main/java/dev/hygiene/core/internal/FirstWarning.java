package dev.hygiene.core.internal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A message that repeats, logged on {@value LeftoverLog#LOGGER_NAME}: the first time at WARNING with
 * a note that later ones are quieter, then at DEBUG. For failures that recur with every task or
 * every hygiene, where one line at WARNING says all there is to say.
 */
final class FirstWarning {

    private final AtomicBoolean warned = new AtomicBoolean();
    private final String laterNote;

    /** @param laterNote what the first message adds about the later ones, such as "later ones are logged at DEBUG" */
    FirstWarning(String laterNote) {
        this.laterNote = laterNote;
    }

    /** Logs {@code message}, with {@code failure}'s stack trace unless it is null. */
    void log(String message, Throwable failure) {
        boolean first = warned.compareAndSet(false, true);
        System.Logger.Level level = first ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG;
        String text = first ? message + " (" + laterNote + ")" : message;
        if (failure == null) {
            LeftoverLog.LOGGER.log(level, text);
        } else {
            LeftoverLog.LOGGER.log(level, text, failure);
        }
    }
}
