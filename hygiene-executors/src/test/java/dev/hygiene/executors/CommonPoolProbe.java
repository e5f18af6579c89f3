package dev.hygiene.executors;

import static org.awaitility.Awaitility.await;

import dev.hygiene.core.ThreadHygiene;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * The main class of the child JVMs of {@link CommonPoolPropertyTest}: uses the common pool as an
 * application would, with whatever {@code java.util.concurrent.ForkJoinPool.common.threadFactory}
 * and {@code hygiene.*} properties the child was started with, and prints what it finds as
 * {@value #PREFIX}{@code key=value} lines:
 * <ul>
 * <li>{@code factory}: the class of the common pool's thread factory;
 * <li>{@code inherited}: what the first worker sees of an {@code InheritableThreadLocal} that the
 *     main thread set before its first submission, which is what makes the pool create that worker;
 * <li>{@code worker}: the class of that worker; {@code systemLoader}: whether its context class
 *     loader is the system class loader;
 * <li>{@code afterIdle}: what a task sees of a {@code ThreadLocal} that the task before it set on
 *     the same worker and never removed, once the worker has gone idle (parked) in between;
 *     {@code sameWorker}: whether both ran on one worker;
 * <li>{@code hygiene}: {@link ThreadHygiene#defaults()}'s mode and leftover count, or
 *     {@code error:} and the exception it throws.
 * </ul>
 * Waits for tasks through {@link CompletableFuture}s completed by the tasks, never with
 * {@code ForkJoinTask.get()}, with which JDK 17 may run a queued common-pool task on the waiting
 * thread itself.
 */
public final class CommonPoolProbe {

    static final String PREFIX = "probe.";

    private static final InheritableThreadLocal<String> REQUEST = new InheritableThreadLocal<>();
    private static final ThreadLocal<String> USER = new ThreadLocal<>();

    private CommonPoolProbe() {
    }

    public static void main(String[] args) throws Exception {
        ForkJoinPool common = ForkJoinPool.commonPool();
        print("factory", common.getFactory().getClass().getName());

        REQUEST.set("request-42");
        Thread first = call(common, () -> {
            Thread worker = Thread.currentThread();
            print("inherited", REQUEST.get());
            print("worker", worker.getClass().getName());
            print("systemLoader", worker.getContextClassLoader() == ClassLoader.getSystemClassLoader());
            return worker;
        });
        REQUEST.remove();

        Thread leaker = call(common, () -> {
            USER.set("alice");
            return Thread.currentThread();
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> leaker.getState() == Thread.State.WAITING
                || leaker.getState() == Thread.State.TIMED_WAITING);
        Thread reader = call(common, () -> {
            print("afterIdle", USER.get());
            return Thread.currentThread();
        });
        print("sameWorker", first == leaker && leaker == reader);

        try {
            ThreadHygiene hygiene = ThreadHygiene.defaults();
            print("hygiene", hygiene.policy().mode() + " leftovers=" + hygiene.stats().leftovers());
        } catch (RuntimeException e) {
            print("hygiene", "error: " + e);
        }
        System.out.flush();
    }

    private static <T> T call(ForkJoinPool pool, Callable<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        pool.execute(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(30, TimeUnit.SECONDS);
    }

    private static void print(String key, Object value) {
        System.out.println(PREFIX + key + "=" + value);
    }
}
