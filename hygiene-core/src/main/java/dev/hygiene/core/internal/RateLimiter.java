package dev.hygiene.core.internal;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How often a repeated warning may be written: at most {@code permits} lines per window. Every
 * warning that hygiene can repeat (a new leftover type in {@link LeftoverLog}, a listener that
 * throws in {@link dev.hygiene.core.ThreadHygiene}) asks one of these before it writes to the logger
 * {@value LeftoverLog#LOGGER_NAME}.
 *
 * <p>A window opens with the first line let through after the previous window ended, not when the
 * limiter is made: with one permit a minute, two lines are always at least a minute apart. What is
 * refused is counted, and that count goes to the next line let through, so that it can say how many
 * were not logged. A cold path: it synchronizes, and the clock is read only when a line is asked
 * for. The clock is {@code System.nanoTime()} unless a test gives another.
 */
final class RateLimiter {

    static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** What {@link #tryAcquire()} answers for a line that may not be written. */
    static final int REFUSED = -1;

    private final int permits;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private boolean open;
    private long windowStart;
    private int granted;
    private int refused;

    /** At most {@code permits} lines a minute, timed by {@code System.nanoTime()}. */
    static RateLimiter perMinute(int permits) {
        return new RateLimiter(permits, MINUTE_NANOS, System::nanoTime);
    }

    RateLimiter(int permits, long windowNanos, LongSupplier nanoTime) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits is " + permits + "; at least 1 line per window");
        }
        if (windowNanos <= 0) {
            throw new IllegalArgumentException("windowNanos is " + windowNanos + "; a window must last");
        }
        this.permits = permits;
        this.windowNanos = windowNanos;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * Asks to write one line now.
     *
     * @return {@link #REFUSED} if this window's lines are used up (the line is then counted as not
     *         written); otherwise how many lines were refused since the last one let through
     */
    synchronized int tryAcquire() {
        long now = nanoTime.getAsLong();
        if (!open || now - windowStart >= windowNanos) {
            open = true;
            windowStart = now;
            granted = 0;
        }
        if (granted >= permits) {
            if (refused < Integer.MAX_VALUE) {
                refused++;
            }
            return REFUSED;
        }
        granted++;
        int skipped = refused;
        refused = 0;
        return skipped;
    }
}
