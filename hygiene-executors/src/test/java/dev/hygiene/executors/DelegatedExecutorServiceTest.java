package dev.hygiene.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import dev.hygiene.core.ThreadHygiene;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mockito.invocation.Invocation;
import org.mockito.invocation.InvocationOnMock;
import org.mockito.stubbing.Answer;

/**
 * The unconfigurable wrappers of the single-thread factories pass every call of
 * {@link ExecutorService} and {@link ScheduledExecutorService} to their pool, once, with the very
 * same arguments, and return the pool's result. The pool does the hygiene; the wrapper adds
 * nothing. Every method of the interfaces of the running JDK is covered, {@code close()} included
 * where it exists.
 */
class DelegatedExecutorServiceTest {

    private final ThreadHygiene hygiene = ThreadHygiene.enforcing();

    /** Answers every call with a fresh result of the method's return type, and remembers it. */
    private static final class FreshResults implements Answer<Object> {
        Object last;

        @Override
        public Object answer(InvocationOnMock invocation) {
            Class<?> type = invocation.getMethod().getReturnType();
            Object result;
            if (type == void.class) {
                result = null;
            } else if (type == boolean.class) {
                result = Boolean.TRUE;   // a mock's default is false: true shows the pool's answer came back
            } else if (type == List.class) {
                result = new ArrayList<Runnable>(List.of(() -> { }));
            } else if (type == ScheduledFuture.class) {
                result = mock(ScheduledFuture.class);
            } else if (type == Future.class) {
                result = mock(Future.class);
            } else if (type == Object.class) {
                result = new Object();   // invokeAny's T
            } else {
                throw new AssertionError("no result for " + invocation.getMethod());
            }
            last = result;
            return result;
        }
    }

    /** The public instance methods of an interface and its super-interfaces, one per signature, in a fixed order. */
    private static List<Method> methodsOf(Class<?> type) {
        Map<String, Method> bySignature = new LinkedHashMap<>();
        List<Method> all = new ArrayList<>(Arrays.asList(type.getMethods()));
        all.sort(Comparator.comparing(Method::toGenericString));
        for (Method method : all) {
            if (!Modifier.isStatic(method.getModifiers())) {
                bySignature.putIfAbsent(method.getName() + Arrays.toString(method.getParameterTypes()), method);
            }
        }
        return new ArrayList<>(bySignature.values());
    }

    /** A distinct argument of each parameter type, so that the pool can be checked to get this very one. */
    private static Object argument(Class<?> type, int index) {
        long tag = 7L + index;
        if (type == Runnable.class) {
            return (Runnable) () -> Long.toString(tag);
        }
        if (type == Callable.class) {
            return (Callable<Object>) () -> tag;
        }
        if (type == Collection.class) {
            return List.of((Callable<Object>) () -> tag);
        }
        if (type == long.class) {
            return tag;
        }
        if (type == TimeUnit.class) {
            return index % 2 == 0 ? TimeUnit.SECONDS : TimeUnit.MILLISECONDS;
        }
        if (type == Object.class) {
            return new Object();
        }
        throw new AssertionError("no argument for " + type);
    }

    /**
     * Calls {@code method} on {@code wrapper} and checks that it reached the pool exactly once, as the
     * same method with the same arguments, and that the pool's result came back.
     */
    private static void assertDelegates(Method method, Object wrapper, Object pool, FreshResults results)
            throws Exception {
        clearInvocations(pool);
        results.last = null;
        Class<?>[] parameters = method.getParameterTypes();
        Object[] args = new Object[parameters.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = argument(parameters[i], i);
        }
        Object result;
        try {
            result = method.invoke(wrapper, args);
        } catch (InvocationTargetException e) {
            throw new AssertionError(method + " threw", e.getCause());
        }
        List<Invocation> calls = new ArrayList<>(mockingDetails(pool).getInvocations());
        assertEquals(1, calls.size(), method + " reached the pool once: " + calls);
        Method called = calls.get(0).getMethod();
        assertEquals(method.getName(), called.getName(), method.toString());
        assertEquals(Arrays.asList(parameters), Arrays.asList(called.getParameterTypes()), method.toString());
        Object[] passed = calls.get(0).getArguments();
        for (int i = 0; i < args.length; i++) {
            assertSame(args[i], passed[i], method + ": argument " + i + " passed through as it is");
        }
        if (method.getReturnType().isPrimitive()) {
            assertEquals(results.last, result, method + " returned the pool's result");   // unboxed and boxed again
        } else {
            assertSame(results.last, result, method + " returned the pool's result");
        }
    }

    /** {@link #assertDelegates} for every method of {@code type}. */
    private static void assertEveryMethodDelegates(Class<?> type, Object wrapper, Object pool, FreshResults results)
            throws Exception {
        List<Method> methods = methodsOf(type);
        assertTrue(methods.size() >= (type == ScheduledExecutorService.class ? 16 : 12), methods.toString());
        for (Method method : methods) {
            assertDelegates(method, wrapper, pool, results);
        }
    }

    @Test
    void everyExecutorServiceMethodGoesToThePoolWithTheSameArgumentsAndReturnsItsResult() throws Exception {
        FreshResults results = new FreshResults();
        ExecutorService pool = mock(ExecutorService.class, results);
        assertEveryMethodDelegates(ExecutorService.class, new DelegatedExecutorService(pool, hygiene), pool, results);
    }

    @Test
    void everyScheduledExecutorServiceMethodGoesToThePoolWithTheSameArgumentsAndReturnsItsResult() throws Exception {
        FreshResults results = new FreshResults();
        ScheduledExecutorService pool = mock(ScheduledExecutorService.class, results);
        assertEveryMethodDelegates(ScheduledExecutorService.class,
                new DelegatedScheduledExecutorService(pool, hygiene), pool, results);
    }

    @Test
    void theAutoShutdownWrapperDelegatesEveryMethodButShutdownExactlyLikeTheOthers() throws Exception {
        FreshResults results = new FreshResults();
        ExecutorService pool = mock(ExecutorService.class, results);
        AutoShutdownExecutorService wrapper = new AutoShutdownExecutorService(pool, hygiene);
        List<Method> methods = methodsOf(ExecutorService.class);
        methods.removeIf(m -> m.getName().equals("shutdown"));
        for (Method method : methods) {
            assertDelegates(method, wrapper, pool, results);
        }
        clearInvocations(pool);
        wrapper.shutdown();
        List<Invocation> calls = new ArrayList<>(mockingDetails(pool).getInvocations());
        assertFalse(calls.isEmpty());
        for (Invocation call : calls) {
            assertEquals("shutdown", call.getMethod().getName(), calls.toString());
        }
    }

    @Test
    void closeClosesThePool() throws Exception {
        ExecutorService pool = mock(ExecutorService.class);
        when(pool.isTerminated()).thenReturn(true);
        new DelegatedExecutorService(pool, hygiene).close();
        if (pool instanceof AutoCloseable) {
            verify((AutoCloseable) pool).close();   // JDK 19 and later: the pool's own close()
        } else {
            verify(pool).shutdown();                // JDK 17: shut down and wait, as JDK 19's close() does
            verify(pool).isTerminated();
        }
        verifyNoMoreInteractions(pool);
    }

    @Test
    void thePoolsExceptionsReachTheCallerUnchanged() throws Exception {
        ScheduledExecutorService pool = mock(ScheduledExecutorService.class);
        DelegatedScheduledExecutorService wrapper = new DelegatedScheduledExecutorService(pool, hygiene);
        RejectedExecutionException rejected = new RejectedExecutionException("full");
        doThrow(rejected).when(pool).execute(any());
        when(pool.schedule(any(Runnable.class), any(Long.class), any())).thenThrow(rejected);
        ExecutionException failed = new ExecutionException(new IllegalStateException("every task failed"));
        List<Callable<String>> tasks = List.of(() -> "x");
        when(pool.invokeAny(tasks)).thenThrow(failed);
        InterruptedException interrupted = new InterruptedException();
        when(pool.awaitTermination(1, TimeUnit.SECONDS)).thenThrow(interrupted);

        assertSame(rejected, assertThrows(RejectedExecutionException.class, () -> wrapper.execute(() -> { })));
        assertSame(rejected, assertThrows(RejectedExecutionException.class,
                () -> wrapper.schedule(() -> { }, 1, TimeUnit.SECONDS)));
        assertSame(failed, assertThrows(ExecutionException.class, () -> wrapper.invokeAny(tasks)));
        assertSame(interrupted, assertThrows(InterruptedException.class,
                () -> wrapper.awaitTermination(1, TimeUnit.SECONDS)));
    }

    @Test
    void toStringNamesThePool() {
        ExecutorService pool = mock(ExecutorService.class, "the-pool");
        assertTrue(new DelegatedExecutorService(pool, hygiene).toString().contains("the-pool"));
    }
}
