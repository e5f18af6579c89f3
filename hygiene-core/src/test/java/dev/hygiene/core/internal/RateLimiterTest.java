package dev.hygiene.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link RateLimiter}, the one limit behind every repeated warning: at most so many lines per
 * window, a window opening with the first line let through, and the count of refused lines handed
 * to the next line let through. Timed by a clock the test moves, so nothing sleeps.
 */
class RateLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    /** A clock that stands still until the test moves it. */
    private static final class Clock {
        long now;

        long read() {
            return now;
        }

        void advance(long nanos) {
            now += nanos;
        }
    }

    private final Clock clock = new Clock();

    private RateLimiter perMinute(int permits) {
        return new RateLimiter(permits, RateLimiter.MINUTE_NANOS, clock::read);
    }

    @Test
    void letsThroughThePermitsOfAWindowThenRefuses() {
        RateLimiter limit = perMinute(3);
        assertEquals(0, limit.tryAcquire());
        assertEquals(0, limit.tryAcquire());
        assertEquals(0, limit.tryAcquire());
        for (int i = 0; i < 5; i++) {
            assertEquals(RateLimiter.REFUSED, limit.tryAcquire(), "line " + (4 + i) + " in the same minute");
        }
    }

    @Test
    void nextWindowsFirstLineGetsTheCountOfRefusedLines() {
        RateLimiter limit = perMinute(2);
        limit.tryAcquire();
        limit.tryAcquire();
        for (int i = 0; i < 7; i++) {
            limit.tryAcquire();
        }
        clock.advance(RateLimiter.MINUTE_NANOS);
        assertEquals(7, limit.tryAcquire(), "the first line of the next minute says how many were not logged");
        assertEquals(0, limit.tryAcquire(), "the count is handed on once");
        assertEquals(RateLimiter.REFUSED, limit.tryAcquire());
    }

    @Test
    void refusesUntilAFullWindowHasPassedSinceItOpened() {
        RateLimiter limit = perMinute(1);
        assertEquals(0, limit.tryAcquire());
        clock.advance(RateLimiter.MINUTE_NANOS - 1);
        assertEquals(RateLimiter.REFUSED, limit.tryAcquire(), "one nanosecond short of a minute");
        clock.advance(1);
        assertEquals(1, limit.tryAcquire());
    }

    @Test
    void windowOpensWithTheFirstLineNotWhenTheLimiterIsMade() {
        RateLimiter limit = perMinute(1);
        clock.advance(59 * SECOND);
        assertEquals(0, limit.tryAcquire(), "first line, 59 s after the limiter was made");
        clock.advance(2 * SECOND);
        assertEquals(RateLimiter.REFUSED, limit.tryAcquire(),
                "2 s after the first line: one a minute means a minute apart, whenever the limiter was made");
        clock.advance(58 * SECOND);
        assertEquals(1, limit.tryAcquire(), "a minute after the first line");
    }

    @Test
    void aQuietSpellLongerThanAWindowStartsAFreshOne() {
        RateLimiter limit = perMinute(2);
        limit.tryAcquire();
        clock.advance(10 * RateLimiter.MINUTE_NANOS);
        assertEquals(0, limit.tryAcquire());
        assertEquals(0, limit.tryAcquire(), "a fresh window has all its permits");
        assertEquals(RateLimiter.REFUSED, limit.tryAcquire());
    }

    @Test
    void worksAcrossTheWrapOfNanoTime() {
        clock.now = Long.MAX_VALUE - SECOND;
        RateLimiter limit = perMinute(1);
        assertEquals(0, limit.tryAcquire());
        clock.advance(2 * SECOND);
        assertTrue(clock.now < 0, "the clock wrapped");
        assertEquals(RateLimiter.REFUSED, limit.tryAcquire(), "2 s later, though the clock now reads less");
        clock.advance(RateLimiter.MINUTE_NANOS);
        assertEquals(1, limit.tryAcquire());
    }

    @Test
    void perMinuteReadsTheSystemClock() {
        RateLimiter limit = RateLimiter.perMinute(1);
        assertEquals(0, limit.tryAcquire());
        assertEquals(RateLimiter.REFUSED, limit.tryAcquire(), "a test does not take a minute");
    }

    @Test
    void rejectsALimitThatLetsNothingThroughOrAnEmptyWindow() {
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, SECOND, clock::read));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(1, 0, clock::read));
        assertThrows(NullPointerException.class, () -> new RateLimiter(1, SECOND, null));
    }
}
