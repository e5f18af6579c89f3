package dev.hygiene.core.internal;

import dev.hygiene.core.HygieneSettings;
import dev.hygiene.core.Mode;
import java.util.Locale;
import java.util.Objects;

/**
 * The current mode of one hygiene, which an operator may switch while its pools run: read once by
 * every scope as it opens (one volatile read), written by
 * {@link dev.hygiene.core.ThreadHygiene#switchMode} and by the MBean's {@code Mode} attribute. A
 * scope keeps the mode it opened with until it closes, so a switch never leaves a task half in one
 * mode and half in the other.
 *
 * <p>Shared by the engine, its stats and its MBean; it holds the hygiene's name and nothing else,
 * so that the MBean server keeps no hygiene alive through it.
 */
public final class LiveMode {

    private final String name;
    private volatile Mode mode;
    /** Set by the first switch: from then on a scope may close in another mode than the current one. */
    private volatile boolean switched;

    LiveMode(String name, Mode mode) {
        this.name = Objects.requireNonNull(name, "name");
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /**
     * The current mode.
     *
     * @return the mode a scope opened now runs in
     */
    public Mode get() {
        return mode;
    }

    /** Whether the mode was ever switched after construction. */
    boolean everSwitched() {
        return switched;
    }

    /**
     * Switches to {@code next} for every scope opened afterwards, and logs the change once, at INFO
     * on logger {@value LeftoverLog#LOGGER_NAME}. Switching to the current mode changes and logs
     * nothing. Serialised, so two operators switching at once log two consistent lines.
     *
     * @param next the new mode
     * @return the mode before
     * @throws IllegalStateException if {@code next} is ENFORCE or AUDIT and this JVM does not open
     *         {@code java.lang} to hygiene; the mode is unchanged then
     */
    public synchronized Mode switchTo(Mode next) {
        Objects.requireNonNull(next, "mode");
        Mode previous = mode;
        if (next == previous) {
            return previous;
        }
        if (next != Mode.OFF && !JdkAccess.SUPPORTED) {
            throw new IllegalStateException("hygiene '" + name + "' cannot switch to " + next + ": "
                    + JdkAccess.unsupportedReason() + ". Allowed without access: OFF");
        }
        switched = true;
        mode = next;
        LeftoverLog.LOGGER.log(System.Logger.Level.INFO, String.format(Locale.ROOT,
                "hygiene '%s' switched from %s to %s: every task that starts from now on runs in %s; "
                        + "tasks already running finish in %s",
                name, previous, next, next, previous));
        return previous;
    }

    /**
     * Parses a mode as an operator types it: {@code ENFORCE}, {@code AUDIT} or {@code OFF}, in any
     * case, surrounding blanks ignored, as {@link HygieneSettings#parseMode} does for every setting.
     *
     * @param value the text
     * @return the mode
     * @throws IllegalArgumentException if {@code value} is null or names no mode; the message names
     *         the allowed values
     */
    public static Mode parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("the mode is null; allowed values are enforce, audit and off (in any case)");
        }
        return HygieneSettings.parseMode(value, "the mode");
    }

    @Override
    public String toString() {
        return mode.name();
    }
}
