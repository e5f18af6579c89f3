package dev.hygiene.executors;

import dev.hygiene.core.internal.ScopedRunnable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import dev.hygiene.core.ThreadHygiene;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The scheduled decorator: every scheduling method wraps, and a periodic task is clean on every run. */
class ScheduledWrapTest {

    private static final ThreadLocal<String> USER = new ThreadLocal<>();
    private final ThreadHygiene hygiene = ThreadHygiene.enforcing();

    @Test
    void everySchedulingMethodHandsTheDelegateAWrappedTaskAndReturnsItsFuture() throws Exception {
        ScheduledExecutorService delegate = mock(ScheduledExecutorService.class);
        ScheduledFuture<?> future = mock(ScheduledFuture.class);
        doReturn(future).when(delegate).schedule(any(Runnable.class), eq(1L), eq(TimeUnit.SECONDS));
        doReturn(future).when(delegate).schedule(any(Callable.class), eq(2L), eq(TimeUnit.SECONDS));
        doReturn(future).when(delegate).scheduleAtFixedRate(any(), eq(3L), eq(4L), eq(TimeUnit.SECONDS));
        doReturn(future).when(delegate).scheduleWithFixedDelay(any(), eq(5L), eq(6L), eq(TimeUnit.SECONDS));
        ScheduledExecutorService pool = HygienicExecutors.wrap(delegate, hygiene);
        Runnable task = () -> { };
        Callable<String> callable = () -> "x";

        assertSame(future, pool.schedule(task, 1, TimeUnit.SECONDS));
        assertSame(future, pool.schedule(callable, 2, TimeUnit.SECONDS));
        assertSame(future, pool.scheduleAtFixedRate(task, 3, 4, TimeUnit.SECONDS));
        assertSame(future, pool.scheduleWithFixedDelay(task, 5, 6, TimeUnit.SECONDS));

        ArgumentCaptor<Runnable> runnables = ArgumentCaptor.forClass(Runnable.class);
        verify(delegate).schedule(runnables.capture(), eq(1L), eq(TimeUnit.SECONDS));
        verify(delegate).scheduleAtFixedRate(runnables.capture(), eq(3L), eq(4L), eq(TimeUnit.SECONDS));
        verify(delegate).scheduleWithFixedDelay(runnables.capture(), eq(5L), eq(6L), eq(TimeUnit.SECONDS));
        for (Runnable handed : runnables.getAllValues()) {
            assertInstanceOf(ScopedRunnable.class, handed);
            assertSame(task, ScopedRunnable.unwrap(handed));
        }
        @SuppressWarnings("unchecked")
        ArgumentCaptor<Callable<String>> callables = ArgumentCaptor.forClass(Callable.class);
        verify(delegate).schedule(callables.capture(), eq(2L), eq(TimeUnit.SECONDS));
        assertTrue(callables.getValue() != callable, "the callable is wrapped");
        assertEquals("x", callables.getValue().call());
        assertEquals(1, hygiene.stats().tasks(), "calling the wrapped callable ran it under hygiene");
    }

    @Test
    void aScheduledExecutorTypedAsExecutorServiceGetsTheScheduledDecorator() {
        ExecutorService delegate = mock(ScheduledExecutorService.class);
        ExecutorService wrapped = HygienicExecutors.wrap(delegate, hygiene);
        assertInstanceOf(ScheduledExecutorService.class, wrapped);
        assertSame(wrapped, HygienicExecutors.wrap(wrapped, hygiene));
    }

    /** Runs a periodic task five times; returns what each run saw in USER when it started. */
    private static List<String> fiveRunsSee(ScheduledExecutorService pool) throws InterruptedException {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch fiveRuns = new CountDownLatch(5);
        ScheduledFuture<?> periodic = pool.scheduleAtFixedRate(() -> {
            if (fiveRuns.getCount() > 0) {
                seen.add(String.valueOf(USER.get()));
                USER.set("run-" + seen.size());   // forgets USER.remove()
                fiveRuns.countDown();
            }
        }, 0, 1, TimeUnit.MILLISECONDS);
        assertTrue(fiveRuns.await(30, TimeUnit.SECONDS));
        periodic.cancel(false);
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        return new ArrayList<>(seen.subList(0, 5));
    }

    @Test
    void aPeriodicTaskStartsCleanOnEveryRun() throws InterruptedException {
        List<String> bare = fiveRunsSee(Executors.newSingleThreadScheduledExecutor());
        assertEquals(List.of("null", "run-1", "run-2", "run-3", "run-4"), bare, "control: each run sees the last");

        List<String> clean = fiveRunsSee(HygienicExecutors.wrap(Executors.newSingleThreadScheduledExecutor(), hygiene));
        assertEquals(List.of("null", "null", "null", "null", "null"), clean);
    }
}
