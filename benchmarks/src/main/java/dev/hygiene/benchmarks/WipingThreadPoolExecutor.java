package dev.hygiene.benchmarks;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The "wipe both maps" peer: a fixed pool that, after each task, sets the worker's
 * {@code Thread.threadLocals} and {@code Thread.inheritableThreadLocals} to null, dropping every
 * entry at once. This is what jboss-threads ({@code JBossExecutors.clearThreadLocals()}, run by its
 * {@code ThreadLocalResetter}) and Mule do between tasks, there through {@code sun.misc.Unsafe}, here
 * through a field setter. It is cheap and thorough, and it takes everything: entries that predate the
 * task, the JDK's own per-thread state ({@code TerminatingThreadLocal} and the native buffers it
 * would free), and, run inline on a caller's thread, the caller's context. hygiene never wipes
 * (DESIGN.md, "Semantics"); this peer shows what that costs and what it saves.
 *
 * <p>Needs {@code java.lang} opened to the class path, as the benchmarks are run.
 */
final class WipingThreadPoolExecutor extends ThreadPoolExecutor {

    /** Setters of the two map fields, typed {@code (Thread, Object)void} for an exact call. */
    private static final MethodHandle SET_THREAD_LOCALS;
    private static final MethodHandle SET_INHERITABLE_THREAD_LOCALS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            Class<?> mapType = Class.forName("java.lang.ThreadLocal$ThreadLocalMap");
            MethodType setter = MethodType.methodType(void.class, Thread.class, Object.class);
            SET_THREAD_LOCALS = lookup.findSetter(Thread.class, "threadLocals", mapType).asType(setter);
            SET_INHERITABLE_THREAD_LOCALS = lookup.findSetter(Thread.class, "inheritableThreadLocals", mapType)
                    .asType(setter);
        } catch (ReflectiveOperationException | IllegalAccessError e) {
            throw new ExceptionInInitializerError(new IllegalStateException(
                    "the wipe peer cannot reach Thread.threadLocals: run with --add-opens java.base/java.lang=ALL-UNNAMED",
                    e));
        }
    }

    /** A fixed pool of {@code threads} workers, as {@code Executors.newFixedThreadPool} builds it. */
    WipingThreadPoolExecutor(int threads) {
        super(threads, threads, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), Executors.defaultThreadFactory());
    }

    @Override
    protected void afterExecute(Runnable r, Throwable t) {
        Thread thread = Thread.currentThread();
        try {
            SET_THREAD_LOCALS.invokeExact(thread, (Object) null);
            SET_INHERITABLE_THREAD_LOCALS.invokeExact(thread, (Object) null);
        } catch (Throwable e) {
            throw new IllegalStateException("wiping the maps of " + thread + " failed", e);
        }
    }
}
