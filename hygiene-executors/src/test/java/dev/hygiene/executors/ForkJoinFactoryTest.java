package dev.hygiene.executors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.Leftover;
import dev.hygiene.core.Mode;
import dev.hygiene.core.ThreadHygiene;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HygienicForkJoinWorkerThreadFactory} on pools of its own, and per-task hygiene on fork-join
 * pools through {@link HygienicExecutors#wrap(ExecutorService, ThreadHygiene)}. Every cleaning test
 * first shows the dirt on the same kind of pool built without hygiene.
 *
 * <p>The pools have parallelism 1, so a task and the next one run on the same worker, and a pool
 * creates its first worker on the thread that submits the first task: that thread is the one whose
 * {@code InheritableThreadLocal} values the worker copies. Results are awaited through a
 * {@link CompletableFuture} completed by the task, never with {@code ForkJoinTask.get()}: on JDK 17 a
 * thread waiting in {@code get()} may run the queued task itself, which would prove nothing about
 * the worker.
 *
 * <p>JDK facts these tests rely on, observed on 17.0.15 and 25.0.3: a pool with the JDK's default
 * factory (not the common pool) makes workers that inherit the creating thread's
 * {@code InheritableThreadLocal} values and keep whatever tasks leave, on both releases; JDK 19 and
 * later clear the thread-locals of a worker built with {@code preserveThreadLocals = false} each
 * time it goes idle (in {@code ForkJoinPool.awaitWork}, before it parks).
 */
class ForkJoinFactoryTest {

    private static final InheritableThreadLocal<String> REQUEST = new InheritableThreadLocal<>();
    private static final ThreadLocal<String> USER = new ThreadLocal<>();
    private static final boolean JDK_19_OR_LATER = Runtime.version().feature() >= 19;

    private final List<ForkJoinPool> pools = new ArrayList<>();

    @AfterEach
    void shutDownPools() throws InterruptedException {
        for (ForkJoinPool pool : pools) {
            pool.shutdownNow();
        }
        for (ForkJoinPool pool : pools) {
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), pool + " did not terminate");
        }
    }

    @Test
    void clearsIdleWorkersOnlyInEnforceModeOnJdk19AndLater() {
        assertEquals(JDK_19_OR_LATER, new HygienicForkJoinWorkerThreadFactory(ThreadHygiene.enforcing())
                .clearsIdleWorkers(), "ENFORCE on JDK " + Runtime.version().feature());
        assertFalse(new HygienicForkJoinWorkerThreadFactory(ThreadHygiene.auditing()).clearsIdleWorkers(), "AUDIT");
        assertFalse(new HygienicForkJoinWorkerThreadFactory(off()).clearsIdleWorkers(), "OFF");
    }

    @Test
    void workerDoesNotInheritTheValuesOfTheThreadThatMadeIt() throws Exception {
        Seen control = fromRequestThread(() -> call(pool(ForkJoinPool.defaultForkJoinWorkerThreadFactory),
                ForkJoinFactoryTest::requestSeen));
        assertEquals("request-42", control.value, "control: the JDK's default factory's worker inherits");

        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        Seen clean = fromRequestThread(() -> call(pool(new HygienicForkJoinWorkerThreadFactory(hygiene)),
                ForkJoinFactoryTest::requestSeen));
        assertNull(clean.value, "the hygienic factory's worker inherits nothing");
        // JDK 19+: our own worker class; JDK 17: the JDK's default factory's worker, cleaned by startClean.
        assertEquals(JDK_19_OR_LATER, clean.worker.getClass().getName().startsWith("dev.hygiene.executors."),
                () -> "worker class: " + clean.worker.getClass().getName());
        // JDK 19+: built with preserveThreadLocals = false, the worker copies nothing, so there is nothing
        // to count; JDK 17: it copies the value and startClean removes and counts it.
        assertEquals(JDK_19_OR_LATER ? 0L : 1L, hygiene.stats().leftovers(), "inherited values found at creation");
        assertEquals(0L, hygiene.stats().tasks(), "a thread's creation is no task");
    }

    @Test
    void auditLeavesInheritedValuesAndCountsThemAsLeftoversOfThreadCreation() throws Exception {
        List<Leftover> heard = new CopyOnWriteArrayList<>();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().mode(Mode.AUDIT)
                .onLeftovers((worker, leftovers) -> heard.addAll(leftovers)).build());
        Seen seen = fromRequestThread(() -> call(pool(new HygienicForkJoinWorkerThreadFactory(hygiene)),
                ForkJoinFactoryTest::requestSeen));

        assertEquals("request-42", seen.value, "AUDIT leaves the inherited value");
        assertEquals(ForkJoinWorkerThread.class, seen.worker.getClass(), "AUDIT: built by the JDK's default factory");
        assertEquals(1L, hygiene.stats().leftovers());
        assertEquals(1L, hygiene.stats().leftoversByType().get("java.lang.InheritableThreadLocal -> java.lang.String"),
                () -> hygiene.stats().report());
        assertEquals(List.of(new Leftover(Leftover.Kind.ADDED, InheritableThreadLocal.class.getName(),
                String.class.getName(), true, Leftover.THREAD_CREATION)), heard);
    }

    @Test
    void workerContextClassLoaderIsTheSystemLoaderNotTheCreatingThreads() throws Exception {
        try (URLClassLoader requestLoader = new URLClassLoader("request-loader", new URL[0], null)) {
            Thread control = fromRequestThread(requestLoader, () -> call(pool(PlainWorker::new),
                    Thread::currentThread));
            assertSame(requestLoader, control.getContextClassLoader(),
                    "control: a plain ForkJoinWorkerThread keeps the creating thread's loader");

            for (ThreadHygiene hygiene : List.of(ThreadHygiene.enforcing(), ThreadHygiene.auditing())) {
                Thread worker = fromRequestThread(requestLoader, () -> call(
                        pool(new HygienicForkJoinWorkerThreadFactory(hygiene)), Thread::currentThread));
                assertSame(ClassLoader.getSystemClassLoader(), worker.getContextClassLoader(),
                        () -> hygiene.policy().mode() + ": worker " + worker);
            }
        }
    }

    @Test
    void idleWorkerLosesWhatATaskLeftOnJdk19AndLater() throws Exception {
        assumeTrue(JDK_19_OR_LATER, "JDK 17 has no preserveThreadLocals = false; see onJdk17...");
        Seen control = leaveUserThenReadOnceIdle(pool(ForkJoinPool.defaultForkJoinWorkerThreadFactory));
        assertEquals("alice", control.value, "control: the JDK's default factory's idle worker keeps it");

        Seen clean = leaveUserThenReadOnceIdle(pool(new HygienicForkJoinWorkerThreadFactory(ThreadHygiene.enforcing())));
        assertNull(clean.value, "the pool cleared the idle worker's thread-locals");
    }

    @Test
    void onJdk17IdleWorkersKeepWhatTasksLeftUnlessThePoolIsWrapped() throws Exception {
        assumeTrue(!JDK_19_OR_LATER, "JDK 19 and later clear idle workers; see idleWorkerLoses...");
        ForkJoinPool pool = pool(new HygienicForkJoinWorkerThreadFactory(ThreadHygiene.enforcing()));
        assertEquals("alice", leaveUserThenReadOnceIdle(pool).value,
                "the factory alone gives no per-task hygiene on JDK 17");
        ExecutorService wrapped = HygienicExecutors.wrap(pool, ThreadHygiene.enforcing());
        assertEquals("alice", call(wrapped, USER::get), "the wrapper keeps what was there before its tasks");
        call(wrapped, () -> {
            USER.set("bob");
            return null;
        });
        assertEquals("alice", call(wrapped, USER::get), "and undoes what its own tasks leave");
    }

    @Test
    void wrappedForkJoinPoolUndoesWhatEachTaskLeaves() throws Exception {
        ForkJoinPool control = pool(ForkJoinPool.defaultForkJoinWorkerThreadFactory);
        Thread dirty = CompletableFuture.supplyAsync(ForkJoinFactoryTest::leaveUser, control).get(30, TimeUnit.SECONDS);
        Seen leaked = CompletableFuture.supplyAsync(ForkJoinFactoryTest::userSeen, control).get(30, TimeUnit.SECONDS);
        assertSame(dirty, leaked.worker, "one worker");
        assertEquals("alice", leaked.value, "control: the bare pool leaks into the next task");

        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        ExecutorService wrapped = HygienicExecutors.wrap(pool(ForkJoinPool.defaultForkJoinWorkerThreadFactory), hygiene);
        Thread worker = CompletableFuture.supplyAsync(ForkJoinFactoryTest::leaveUser, wrapped).get(30, TimeUnit.SECONDS);
        Seen seen = CompletableFuture.supplyAsync(ForkJoinFactoryTest::userSeen, wrapped).get(30, TimeUnit.SECONDS);
        assertSame(worker, seen.worker, "one worker");
        assertNull(seen.value, "the next task finds the worker as it was");
        // A stage's future completes inside the task, just before its scope closes.
        await().atMost(Duration.ofSeconds(30)).until(() -> hygiene.stats().tasks() == 2);
        assertEquals(1L, hygiene.stats().leftoversByType().get("java.lang.ThreadLocal -> java.lang.String"),
                () -> hygiene.stats().report());
    }

    /**
     * JDK 25's {@code ForkJoinPool} is a {@code ScheduledExecutorService}, so wrapping one gives the
     * scheduled decorator, and a task scheduled on it runs in a scope too.
     */
    @Test
    void onJdkWhereForkJoinPoolSchedulesTheWrappedPoolScheduledTasksRunInScopes() throws Exception {
        assumeTrue(ScheduledExecutorService.class.isAssignableFrom(ForkJoinPool.class),
                "ForkJoinPool implements ScheduledExecutorService from JDK 25 on");
        ScheduledExecutorService control = (ScheduledExecutorService) pool(ForkJoinPool.defaultForkJoinWorkerThreadFactory);
        Thread dirty = control.schedule(ForkJoinFactoryTest::leaveUser, 1, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS);
        Seen leaked = control.schedule(ForkJoinFactoryTest::userSeen, 1, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS);
        assertSame(dirty, leaked.worker, "one worker");
        assertEquals("alice", leaked.value, "control: the bare pool leaks into the next scheduled task");

        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        ExecutorService wrapped = HygienicExecutors.wrap(pool(ForkJoinPool.defaultForkJoinWorkerThreadFactory), hygiene);
        assertTrue(wrapped instanceof ScheduledExecutorService, () -> "the scheduled decorator: " + wrapped);
        ScheduledExecutorService scheduled = (ScheduledExecutorService) wrapped;
        Thread worker = scheduled.schedule(ForkJoinFactoryTest::leaveUser, 1, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS);
        Seen seen = scheduled.schedule(ForkJoinFactoryTest::userSeen, 1, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS);
        assertSame(worker, seen.worker, "one worker");
        assertNull(seen.value, "the next scheduled task finds the worker as it was");
        await().atMost(Duration.ofSeconds(30)).until(() -> hygiene.stats().tasks() == 2);
    }

    @Test
    void wrappedCommonPoolRunsEveryCompletableFutureStageInAScope() throws Exception {
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        ExecutorService wrapped = HygienicExecutors.wrap(ForkJoinPool.commonPool(), hygiene);
        CompletableFuture.runAsync(ForkJoinFactoryTest::leaveUser, wrapped).get(30, TimeUnit.SECONDS);
        assertNull(CompletableFuture.supplyAsync(USER::get, wrapped).get(30, TimeUnit.SECONDS));
        CompletableFuture.runAsync(ForkJoinFactoryTest::leaveUser, wrapped)
                .thenRunAsync(ForkJoinFactoryTest::leaveUser, wrapped).get(30, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(30)).until(() -> hygiene.stats().tasks() == 4);
        assertEquals(3L, hygiene.stats().leftoversByType().get("java.lang.ThreadLocal -> java.lang.String"),
                () -> "each of the three leaks was found, in its own scope\n" + hygiene.stats().report());
    }

    // ---------------------------------------------------------------------------------------------

    /** What a task saw, and on which thread it ran. */
    private static final class Seen {
        final String value;
        final Thread worker;

        Seen(String value) {
            this.value = value;
            this.worker = Thread.currentThread();
        }
    }

    /** A worker as a naive custom factory builds it: {@code ForkJoinWorkerThread}'s public-facing constructor. */
    private static final class PlainWorker extends ForkJoinWorkerThread {
        PlainWorker(ForkJoinPool pool) {
            super(pool);
        }
    }

    private static Seen requestSeen() {
        return new Seen(REQUEST.get());
    }

    private static Seen userSeen() {
        return new Seen(USER.get());
    }

    private static Thread leaveUser() {
        USER.set("alice");
        return Thread.currentThread();
    }

    private static ThreadHygiene off() {
        return ThreadHygiene.of(HygienePolicy.builder().mode(Mode.OFF).build());
    }

    private ForkJoinPool pool(ForkJoinPool.ForkJoinWorkerThreadFactory factory) {
        ForkJoinPool pool = new ForkJoinPool(1, factory, null, false);
        pools.add(pool);
        return pool;
    }

    /**
     * A task leaves {@code USER = "alice"} on the pool's worker; once the worker has parked, idle, a
     * second task reports what it sees. Asserts that both ran on the same worker.
     */
    private static Seen leaveUserThenReadOnceIdle(ForkJoinPool pool) throws Exception {
        Thread worker = call(pool, ForkJoinFactoryTest::leaveUser);
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.getState() == Thread.State.WAITING
                || worker.getState() == Thread.State.TIMED_WAITING);
        Seen seen = call(pool, ForkJoinFactoryTest::userSeen);
        assertSame(worker, seen.worker, "one worker");
        return seen;
    }

    /**
     * Runs {@code task} on {@code executor} and waits for its result, without letting this thread
     * help run it.
     */
    static <T> T call(Executor executor, Callable<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(30, TimeUnit.SECONDS);
    }

    private static <T> T fromRequestThread(Callable<T> body) throws Exception {
        return fromRequestThread(ClassLoader.getSystemClassLoader(), body);
    }

    /**
     * Runs {@code body} on a new thread that inherited nothing and holds exactly one inheritable
     * value, {@code REQUEST = "request-42"}, with {@code loader} as its context class loader: the
     * thread of a request that happens to make a pool create its worker.
     */
    private static <T> T fromRequestThread(ClassLoader loader, Callable<T> body) throws Exception {
        FutureTask<T> request = new FutureTask<>(() -> {
            REQUEST.set("request-42");
            try {
                return body.call();
            } finally {
                REQUEST.remove();
            }
        });
        Thread thread = new Thread(null, request, "request-thread", 0L, false);
        thread.setContextClassLoader(loader);
        thread.start();
        return request.get(30, TimeUnit.SECONDS);
    }
}
