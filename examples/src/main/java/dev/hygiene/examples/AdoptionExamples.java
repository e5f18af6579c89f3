package dev.hygiene.examples;

import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.executors.HygienicExecutors;
import dev.hygiene.executors.HygienicThreadPoolExecutor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The README's "ways to adopt it" examples: replacing {@code Executors.*}, a hygienic
 * {@code ThreadPoolExecutor}, a task decorator, and {@code CompletableFuture}. Each method returns
 * what a later task saw, so that a test can check the claim the README makes.
 */
public final class AdoptionExamples {

    private static final ThreadLocal<String> TENANT = new ThreadLocal<>();
    private static final InheritableThreadLocal<String> REQUEST_ID = new InheritableThreadLocal<>();

    private AdoptionExamples() {
    }

    /** Spring's {@code org.springframework.core.task.TaskDecorator}, so this compiles without Spring. */
    @FunctionalInterface
    public interface TaskDecorator {
        /**
         * Decorates a task.
         *
         * @param runnable the task
         * @return the decorated task
         */
        Runnable decorate(Runnable runnable);
    }

    /**
     * {@code Executors.newFixedThreadPool} replaced by its hygienic twin.
     *
     * @return what the second task saw: the tenant, then the request id inherited by the worker
     * @throws Exception if a task fails
     */
    public static String[] replaceExecutors() throws Exception {
        REQUEST_ID.set("request-42");   // the thread that happens to create the pool's first worker
        try {
            // README:replace
            ExecutorService pool = HygienicExecutors.newFixedThreadPool(4);         // was Executors.newFixedThreadPool(4)
            ScheduledExecutorService timer = HygienicExecutors.newScheduledThreadPool(1);
            // README:end
            try {
                pool.submit(() -> TENANT.set("acme")).get();                         // forgets TENANT.remove()
                String tenant = pool.submit(TENANT::get).get();
                String inherited = pool.submit(REQUEST_ID::get).get();
                String timed = timer.schedule(TENANT::get, 1, TimeUnit.MILLISECONDS).get();
                return new String[] {tenant, inherited, timed};
            } finally {
                pool.shutdown();
                timer.shutdown();
            }
        } finally {
            REQUEST_ID.remove();
        }
    }

    /**
     * A hand-built pool with caller-runs rejection: the task that ran inline leaves the submitting
     * thread exactly as it was.
     *
     * @return what the submitting thread holds after a task ran inline on it
     */
    public static String callerRuns() {
        // README:pool
        ThreadPoolExecutor pool = new HygienicThreadPoolExecutor(
                1, 1, 0, TimeUnit.SECONDS, new SynchronousQueue<>(),
                new ThreadPoolExecutor.CallerRunsPolicy(), ThreadHygiene.enforcing());
        // README:end
        CountDownLatch release = new CountDownLatch(1);
        TENANT.set("caller's own tenant");
        try {
            pool.execute(() -> awaitQuietly(release));          // occupies the only worker
            pool.execute(() -> TENANT.set("task's tenant"));    // rejected: runs inline, on this thread
            return TENANT.get();
        } finally {
            release.countDown();
            pool.shutdown();
            TENANT.remove();
        }
    }

    /**
     * Hygiene as a task decorator, the way Spring's {@code ThreadPoolTaskExecutor} takes one.
     *
     * @return what the second task saw
     * @throws Exception if a task fails
     */
    public static String decorator() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // README:decorator
            ThreadHygiene hygiene = ThreadHygiene.enforcing();
            TaskDecorator decorator = hygiene::wrap;   // Spring: taskExecutor.setTaskDecorator(hygiene::wrap)
            // README:end
            pool.submit(decorator.decorate(() -> TENANT.set("acme"))).get();
            return pool.submit(TENANT::get).get();
        } finally {
            pool.shutdown();
        }
    }

    /**
     * {@code CompletableFuture}'s async stages on the common pool, each in a scope.
     *
     * @return what the later stage saw, and how many tasks the hygiene ran
     * @throws Exception if a stage fails
     */
    public static String completableFuture() throws Exception {
        // README:completable
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        Executor async = HygienicExecutors.wrap(ForkJoinPool.commonPool(), hygiene);

        CompletableFuture<String> tenant = CompletableFuture
                .runAsync(() -> TENANT.set("acme"), async)      // forgets TENANT.remove()
                .thenApplyAsync(ignored -> TENANT.get(), async);
        // README:end
        return tenant.get(30, TimeUnit.SECONDS);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs every example and prints what each later task saw.
     *
     * @param args ignored
     * @throws Exception if a task fails
     */
    public static void main(String[] args) throws Exception {
        String[] replaced = replaceExecutors();
        System.out.println("replaced Executors: next task saw tenant " + replaced[0] + ", request id "
                + replaced[1] + "; scheduled task saw tenant " + replaced[2]);
        System.out.println("caller-runs: the submitter still holds " + callerRuns());
        System.out.println("decorator: next task saw tenant " + decorator());
        System.out.println("CompletableFuture: later stage saw tenant " + completableFuture());
    }
}
