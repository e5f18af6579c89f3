package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** OFF is a pass-through: the dirt stays and nothing is counted. */
class OffModeTest {

    private final ThreadHygiene off = ThreadHygiene.of(HygienePolicy.builder().mode(Mode.OFF).build());

    @Test
    void wrapReturnsAWrapperThatPassesThroughWhileOff() throws Exception {
        Runnable runnable = () -> { };
        Callable<String> callable = () -> "x";
        Runnable wrappedRunnable = off.wrap(runnable);
        Callable<String> wrappedCallable = off.wrap(callable);
        assertSame(runnable, ((TaskWrapper) wrappedRunnable).wrappedTask(), "wrapped: a later switch applies to it");
        assertSame(callable, ((TaskWrapper) wrappedCallable).wrappedTask());
        wrappedRunnable.run();
        assertEquals("x", wrappedCallable.call());
        assertEquals(0, off.stats().tasks(), "run while OFF: no scope");
    }

    @Test
    void leavesWhatTheTaskLeftAndCountsNothing() {
        ThreadLocal<String> local = new ThreadLocal<>();
        try (ReusedThread thread = new ReusedThread("off")) {
            thread.run(off, () -> local.set("leftover"));
            assertEquals("leftover", thread.call(local::get));
        }
        assertEquals(0, off.stats().tasks());
        assertEquals(0, off.stats().leftovers());
    }
}
