package dev.hygiene.executors;

import dev.hygiene.core.internal.ScopedRunnable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.hygiene.core.ThreadHygiene;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The decorators hand every lifecycle call to the delegate and every task to it wrapped. */
class WrapDelegationTest {

    private final ThreadHygiene hygiene = ThreadHygiene.enforcing();

    @Test
    void everyLifecycleMethodGoesToTheDelegate() throws InterruptedException {
        ExecutorService delegate = mock(ExecutorService.class);
        when(delegate.isShutdown()).thenReturn(true);
        when(delegate.isTerminated()).thenReturn(true);
        when(delegate.awaitTermination(5, TimeUnit.SECONDS)).thenReturn(true);
        when(delegate.shutdownNow()).thenReturn(List.of());
        ExecutorService pool = HygienicExecutors.wrap(delegate, hygiene);

        pool.shutdown();
        verify(delegate).shutdown();
        assertEquals(List.of(), pool.shutdownNow());
        verify(delegate).shutdownNow();
        assertTrue(pool.isShutdown());
        verify(delegate).isShutdown();
        assertTrue(pool.isTerminated());
        verify(delegate).isTerminated();
        assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
        verify(delegate).awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void executeHandsTheDelegateAWrapperAroundTheCallersTask() {
        ExecutorService delegate = mock(ExecutorService.class);
        Runnable task = () -> { };
        HygienicExecutors.wrap(delegate, hygiene).execute(task);
        ArgumentCaptor<Runnable> handed = ArgumentCaptor.forClass(Runnable.class);
        verify(delegate).execute(handed.capture());
        assertSame(task, ScopedRunnable.unwrap(handed.getValue()));
    }

    @Test
    void plainExecutorGetsTheSameWrapping() {
        Executor delegate = mock(Executor.class);
        Runnable task = () -> { };
        Executor executor = HygienicExecutors.wrap(delegate, hygiene);
        executor.execute(task);
        ArgumentCaptor<Runnable> handed = ArgumentCaptor.forClass(Runnable.class);
        verify(delegate).execute(handed.capture());
        assertInstanceOf(ScopedRunnable.class, handed.getValue());
        assertSame(task, ScopedRunnable.unwrap(handed.getValue()));
        assertTrue(executor.toString().contains(delegate.toString()), executor.toString());
    }

    @Test
    void anExecutorServiceTypedAsExecutorGetsTheServiceDecorator() {
        ExecutorService delegate = mock(ExecutorService.class);
        assertInstanceOf(ExecutorService.class, HygienicExecutors.wrap((Executor) delegate, hygiene));
    }

    @Test
    void rejectionReachesTheCallerUnchanged() {
        ExecutorService delegate = mock(ExecutorService.class);
        RejectedExecutionException rejected = new RejectedExecutionException("full");
        org.mockito.Mockito.doThrow(rejected).when(delegate).execute(any());
        ExecutorService pool = HygienicExecutors.wrap(delegate, hygiene);
        assertSame(rejected, assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { })));
        assertSame(rejected, assertThrows(RejectedExecutionException.class, () -> pool.submit(() -> "x")));
    }

    @Test
    void wrappingTwiceWithTheSameHygieneAddsNoSecondLayer() {
        ExecutorService once = HygienicExecutors.wrap(mock(ExecutorService.class), hygiene);
        assertSame(once, HygienicExecutors.wrap(once, hygiene));
        Executor plainOnce = HygienicExecutors.wrap(mock(Executor.class), hygiene);
        assertSame(plainOnce, HygienicExecutors.wrap(plainOnce, hygiene));
    }

    @Test
    void toStringNamesTheDelegate() {
        ExecutorService delegate = mock(ExecutorService.class, "the-delegate");
        assertTrue(HygienicExecutors.wrap(delegate, hygiene).toString().contains("the-delegate"));
    }

    @Test
    void nullArgumentsAreRejectedByName() {
        ExecutorService delegate = mock(ExecutorService.class);
        assertEquals("delegate", assertThrows(NullPointerException.class,
                () -> HygienicExecutors.wrap((ExecutorService) null, hygiene)).getMessage());
        assertEquals("hygiene", assertThrows(NullPointerException.class,
                () -> HygienicExecutors.wrap(delegate, null)).getMessage());
        assertEquals("delegate", assertThrows(NullPointerException.class,
                () -> HygienicExecutors.wrap((Executor) null, hygiene)).getMessage());
        assertEquals("command", assertThrows(NullPointerException.class,
                () -> HygienicExecutors.wrap(delegate, hygiene).execute(null)).getMessage());
    }
}
