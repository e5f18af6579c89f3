package dev.hygiene.core.internal;

import dev.hygiene.core.Leftover;
import dev.hygiene.core.Mode;
import java.util.Locale;

/**
 * Tells the operator about leftovers through {@code System.Logger}, never once per task: the first
 * occurrence of each leftover type (a new row of the stats) is logged at WARNING with a sentence
 * that says which task left which {@code ThreadLocal} holding what, and the two fixes. At most
 * {@link #PER_MINUTE} of those a minute per hygiene ({@link RateLimiter}); the ones past that are
 * counted and the count is logged with the next line that may be logged. A cold path: it runs only
 * when a stats row is made.
 *
 * <p>{@link #LOGGER} is the one logger, {@value #LOGGER_NAME}, that everything in hygiene logs to:
 * these lines, a failing {@link dev.hygiene.core.LeftoverListener}, JMX registration.
 */
public final class LeftoverLog {

    /** The name of hygiene's one logger, for every module of it. */
    public static final String LOGGER_NAME = "dev.hygiene";
    /** Hygiene's one logger. */
    public static final System.Logger LOGGER = System.getLogger(LOGGER_NAME);
    static final int PER_MINUTE = 10;

    private final String hygiene;
    /** The hygiene's current mode, read when a line is written. */
    private final LiveMode mode;
    private final RateLimiter limit;

    LeftoverLog(String hygiene, Mode mode) {
        this(hygiene, new LiveMode(hygiene, mode));
    }

    LeftoverLog(String hygiene, LiveMode mode) {
        this(hygiene, mode, RateLimiter.perMinute(PER_MINUTE));
    }

    LeftoverLog(String hygiene, Mode mode, RateLimiter limit) {
        this(hygiene, new LiveMode(hygiene, mode), limit);
    }

    LeftoverLog(String hygiene, LiveMode mode, RateLimiter limit) {
        this.hygiene = hygiene;
        this.mode = mode;
        this.limit = limit;
    }

    /** A leftover of a type never seen before by this hygiene. */
    void firstOccurrence(Leftover leftover, String worker) {
        if (!LOGGER.isLoggable(System.Logger.Level.WARNING)) {
            return;
        }
        int skipped = limit.tryAcquire();
        if (skipped != RateLimiter.REFUSED) {
            LOGGER.log(System.Logger.Level.WARNING, message(leftover, worker, skipped));
        }
    }

    String message(Leftover leftover, String worker, int skipped) {
        Mode mode = this.mode.get();
        String earlier = skipped == 0 ? "" : String.format(Locale.ROOT,
                " (%d more new leftover type(s) were not logged in the last minute; see stats().report())", skipped);
        if (Leftover.THREAD_CREATION.equals(leftover.taskType())) {
            return String.format(Locale.ROOT, "hygiene '%s' (%s): a thread created by thread %s inherited an "
                    + "inheritable %s holding %s; %s. To fix it: let a hygienic ThreadFactory in ENFORCE mode make "
                    + "the pool's threads, or start them (prestartAllCoreThreads) before any request sets the value. "
                    + "Further leftovers of this type are only counted.%s",
                    hygiene, mode, worker, leftover.localType(),
                    leftover.valueType() == null ? "null" : "a " + leftover.valueType(),
                    mode == Mode.ENFORCE ? "hygiene dropped it" : "the new thread keeps it for its whole life",
                    earlier);
        }
        String what = leftover.kind() == Leftover.Kind.THREAD_STATE
                ? "changed " + leftover.localType() + " to a " + leftover.valueType()
                : describe(leftover);
        String outcome = mode == Mode.ENFORCE ? "hygiene undid it"
                : leftover.kind() == Leftover.Kind.REMOVED ? "it stays removed"
                : "it stays, and the next task on that thread sees it";
        String fix = leftover.kind() == Leftover.Kind.THREAD_STATE
                ? "set it back in a finally block where the task changes it"
                : leftover.kind() == Leftover.Kind.REMOVED
                ? "nothing, if an earlier task left that entry (its own leftover names it); otherwise restore what "
                        + "the task removes in a finally block, or retain it: " + retainHint(leftover)
                : "call remove() in a finally block where the task sets it, or, if it is a per-thread cache "
                        + "meant to stay, retain it: " + retainHint(leftover);
        return String.format(Locale.ROOT, "hygiene '%s' (%s): task %s %s on thread %s; %s. To fix it: %s. "
                + "Further leftovers of this type are only counted.%s",
                hygiene, mode, leftover.taskType(), what, worker, outcome, fix, earlier);
    }

    /**
     * The narrowest retain rule the leftover's names allow: a prefix of the JDK's own classes
     * ({@code java.lang.ThreadLocal}, {@code java.lang.String}) would retain far more than the
     * one cache, so for those the advice is to retain the {@code ThreadLocal} itself.
     */
    private static String retainHint(Leftover leftover) {
        if (!leftover.localType().startsWith("java.")) {
            return "HygienePolicy.builder().retainTypes(\"" + leftover.localType() + "\")";
        }
        String value = leftover.valueType();
        if (value != null && !value.startsWith("java.") && !value.startsWith("[")) {
            return "HygienePolicy.builder().retainTypes(\"" + value + "\")";
        }
        return "HygienePolicy.builder().retain(thatThreadLocal)";
    }

    private static String describe(Leftover leftover) {
        String local = (leftover.inheritable() ? "inheritable " : "") + leftover.localType();
        String value = leftover.valueType() == null ? "null" : "a " + leftover.valueType();
        switch (leftover.kind()) {
            case CHANGED:
                return "replaced the value of " + article(local) + local + " with " + value;
            case REMOVED:
                return "removed " + article(local) + local + " entry holding " + value + " that was there before it";
            case STALE:
                return "left a stale entry (its ThreadLocal was garbage collected) holding " + value;
            default:
                return "left " + article(local) + local + " holding " + value;
        }
    }

    private static String article(String noun) {
        return noun.startsWith("inheritable") ? "an " : "a ";
    }
}
