package dev.hygiene.executors;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.core.HygienicThread;
import dev.hygiene.core.ThreadHygiene;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link HygienicThreadPoolExecutor}: each task runs in a scope of the pool's hygiene, opened in
 * {@code beforeExecute} and closed in {@code afterExecute}, however the task ends; a task that the
 * rejection handler runs gets a scope of its own on the submitting thread; workers start clean.
 * Each behaviour is shown beside a plain {@link ThreadPoolExecutor} that runs the same steps and
 * stays dirty.
 */
class HygienicThreadPoolExecutorTest {

    private static final ThreadLocal<String> USER = new ThreadLocal<>();
    private static final InheritableThreadLocal<String> INHERITED = new InheritableThreadLocal<>();
    private static final ThreadLocal<Object> BASE = new ThreadLocal<>();
    private static final ThreadLocal<Object> KEPT = new ThreadLocal<>();
    private static final InheritableThreadLocal<Object> INHERITABLE_BASE = new InheritableThreadLocal<>();
    /** Reads "absent" when the thread has no entry, so a probe can tell "removed" from "null". */
    private static final ThreadLocal<String> ABSENT = ThreadLocal.withInitial(() -> "absent");

    private static final Runnable NOTHING = () -> { };

    private final ThreadHygiene hygiene = ThreadHygiene.enforcing();
    private final List<ExecutorService> pools = new ArrayList<>();
    private final List<CountDownLatch> releases = new ArrayList<>();

    @AfterEach
    void shutDownPoolsAndCleanTheTestThread() throws InterruptedException {
        releases.forEach(CountDownLatch::countDown);
        for (ExecutorService pool : pools) {
            pool.shutdownNow();
        }
        for (ExecutorService pool : pools) {
            assertTrue(pool.awaitTermination(30, SECONDS), pool + " did not terminate");
        }
        for (ThreadLocal<?> local : List.of(USER, INHERITED, BASE, KEPT, INHERITABLE_BASE, ABSENT, START, TENANT)) {
            local.remove();
        }
    }

    private <E extends ExecutorService> E track(E pool) {
        pools.add(pool);
        return pool;
    }

    private HygienicThreadPoolExecutor hygienicPool() {
        return track(new HygienicThreadPoolExecutor(1, 1, 0, MILLISECONDS, new LinkedBlockingQueue<>(), hygiene));
    }

    private ThreadPoolExecutor plainPool() {
        return track(new ThreadPoolExecutor(1, 1, 0, MILLISECONDS, new LinkedBlockingQueue<>()));
    }

    private static <T> T get(Future<T> future) throws Exception {
        return future.get(30, SECONDS);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Keeps the pool's only worker busy until the returned latch is counted down; returns once it is busy. */
    private CountDownLatch occupy(ExecutorService pool) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        releases.add(release);
        pool.execute(() -> {
            running.countDown();
            awaitQuietly(release);
        });
        assertTrue(running.await(30, SECONDS));
        return release;
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return task -> new Thread(task, prefix + "-" + number.incrementAndGet());
    }

    private void awaitTasks(long tasks) {
        await().atMost(Duration.ofSeconds(30)).until(() -> hygiene.stats().tasks() == tasks);
    }

    // ---------------------------------------------------------------------------------------------
    // Constructors

    /** The arguments of the fullest constructor; each constructor takes the ones it has. */
    private record Args(int core, int max, long keepAlive, TimeUnit unit, BlockingQueue<Runnable> queue,
            ThreadFactory factory, RejectedExecutionHandler handler, ThreadHygiene hygiene) {

        static Args of(ThreadFactory factory, RejectedExecutionHandler handler, ThreadHygiene hygiene) {
            return new Args(1, 1, 0, MILLISECONDS, new LinkedBlockingQueue<>(), factory, handler, hygiene);
        }

        static Args sizes(int core, int max, long keepAlive, ThreadHygiene hygiene) {
            return new Args(core, max, keepAlive, MILLISECONDS, new LinkedBlockingQueue<>(),
                    Thread::new, new ThreadPoolExecutor.AbortPolicy(), hygiene);
        }

        Args unit(TimeUnit u) {
            return new Args(core, max, keepAlive, u, queue, factory, handler, hygiene);
        }

        Args queue(BlockingQueue<Runnable> q) {
            return new Args(core, max, keepAlive, unit, q, factory, handler, hygiene);
        }

        Args factory(ThreadFactory f) {
            return new Args(core, max, keepAlive, unit, queue, f, handler, hygiene);
        }

        Args handler(RejectedExecutionHandler h) {
            return new Args(core, max, keepAlive, unit, queue, factory, h, hygiene);
        }

        Args hygiene(ThreadHygiene h) {
            return new Args(core, max, keepAlive, unit, queue, factory, handler, h);
        }
    }

    /** The four constructors of HygienicThreadPoolExecutor, each beside ThreadPoolExecutor's own. */
    enum PoolConstructor {
        QUEUE(false, false) {
            @Override
            HygienicThreadPoolExecutor hygienic(Args a) {
                return new HygienicThreadPoolExecutor(a.core, a.max, a.keepAlive, a.unit, a.queue, a.hygiene);
            }

            @Override
            ThreadPoolExecutor plain(Args a) {
                return new ThreadPoolExecutor(a.core, a.max, a.keepAlive, a.unit, a.queue);
            }
        },
        FACTORY(true, false) {
            @Override
            HygienicThreadPoolExecutor hygienic(Args a) {
                return new HygienicThreadPoolExecutor(a.core, a.max, a.keepAlive, a.unit, a.queue, a.factory,
                        a.hygiene);
            }

            @Override
            ThreadPoolExecutor plain(Args a) {
                return new ThreadPoolExecutor(a.core, a.max, a.keepAlive, a.unit, a.queue, a.factory);
            }
        },
        HANDLER(false, true) {
            @Override
            HygienicThreadPoolExecutor hygienic(Args a) {
                return new HygienicThreadPoolExecutor(a.core, a.max, a.keepAlive, a.unit, a.queue, a.handler,
                        a.hygiene);
            }

            @Override
            ThreadPoolExecutor plain(Args a) {
                return new ThreadPoolExecutor(a.core, a.max, a.keepAlive, a.unit, a.queue, a.handler);
            }
        },
        FACTORY_AND_HANDLER(true, true) {
            @Override
            HygienicThreadPoolExecutor hygienic(Args a) {
                return new HygienicThreadPoolExecutor(a.core, a.max, a.keepAlive, a.unit, a.queue, a.factory,
                        a.handler, a.hygiene);
            }

            @Override
            ThreadPoolExecutor plain(Args a) {
                return new ThreadPoolExecutor(a.core, a.max, a.keepAlive, a.unit, a.queue, a.factory, a.handler);
            }
        };

        final boolean takesFactory;
        final boolean takesHandler;

        PoolConstructor(boolean takesFactory, boolean takesHandler) {
            this.takesFactory = takesFactory;
            this.takesHandler = takesHandler;
        }

        abstract HygienicThreadPoolExecutor hygienic(Args args);

        abstract ThreadPoolExecutor plain(Args args);
    }

    /**
     * The first task is submitted while the test thread holds an inheritable value, so its worker is
     * created then; it reports what it inherited and leaks a value; the second task reports the leak.
     */
    private static List<String> inheritedThenLeaked(ExecutorService pool) throws Exception {
        Future<String> first;
        INHERITED.set("request-42");
        try {
            first = pool.submit(() -> {
                String inherited = INHERITED.get();
                USER.set("alice");   // forgets USER.remove()
                return inherited;
            });
        } finally {
            INHERITED.remove();
        }
        String inherited = get(first);
        return Arrays.asList(inherited, get(pool.submit(USER::get)));
    }

    @ParameterizedTest
    @EnumSource(PoolConstructor.class)
    void everyConstructorBuildsAPoolWhoseWorkersStartCleanAndAreRestoredAfterEachTask(PoolConstructor constructor)
            throws Exception {
        RejectedExecutionHandler handler = new ThreadPoolExecutor.DiscardPolicy();
        ThreadPoolExecutor plain = track(constructor.plain(Args.of(named("given"), handler, hygiene)));
        assertEquals(List.of("request-42", "alice"), inheritedThenLeaked(plain),
                "control: a plain pool's worker inherits the request's value and keeps the leak");

        HygienicThreadPoolExecutor pool = track(constructor.hygienic(Args.of(named("given"), handler, hygiene)));
        assertSame(hygiene, pool.hygiene());
        assertEquals(Arrays.asList(null, null), inheritedThenLeaked(pool));
        String worker = get(pool.submit(() -> Thread.currentThread().getName()));
        if (constructor.takesFactory) {
            assertEquals("given-1", worker, "the given factory made the worker");
        } else {
            assertTrue(worker.matches("hygienic-pool-\\d+-thread-1"), worker);
        }
        if (constructor.takesHandler) {
            assertSame(handler, pool.getRejectedExecutionHandler());
        } else {
            assertInstanceOf(ThreadPoolExecutor.AbortPolicy.class, pool.getRejectedExecutionHandler());
        }
        awaitTasks(3);
        assertEquals(1L, hygiene.stats().leftoversByType().get("java.lang.ThreadLocal -> java.lang.String"),
                hygiene.stats().report());
    }

    // ---------------------------------------------------------------------------------------------
    // Leaks, exceptions, baselines

    /** A task leaks a value through execute and through submit; returns what the next task saw each time. */
    private static List<String> leakTwiceThenProbe(ExecutorService pool) throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        pool.execute(() -> {
            USER.set("alice");
            ran.countDown();
        });
        assertTrue(ran.await(30, SECONDS));
        String afterExecute = get(pool.submit(USER::get));
        get(pool.submit(() -> USER.set("bob")));
        String afterSubmit = get(pool.submit(USER::get));
        return Arrays.asList(afterExecute, afterSubmit);
    }

    @Test
    void aValueATaskLeftDoesNotReachTheNextTask() throws Exception {
        assertEquals(List.of("alice", "bob"), leakTwiceThenProbe(plainPool()), "control: the plain pool leaks");

        HygienicThreadPoolExecutor pool = hygienicPool();
        assertEquals(Arrays.asList(null, null), leakTwiceThenProbe(pool));
        awaitTasks(4);
        assertEquals(2L, hygiene.stats().leftoversByType().get("java.lang.ThreadLocal -> java.lang.String"),
                "the two leaks");
        assertNull(hygiene.stats().leftoversByType().get("java.lang.ThreadLocal -> null"),
                "a probe's get() that found nothing adds an entry holding null: restored, not counted");
    }

    /** A task leaks and throws, caught by submit's future; returns what the next task saw and on which thread. */
    private static List<Object> throwThenProbe(ExecutorService pool) throws Exception {
        Future<Thread> failed = pool.submit(() -> {
            USER.set("alice");
            if (USER.get() != null) {
                throw new IllegalStateException("task failed");
            }
            return Thread.currentThread();
        });
        AtomicReference<Thread> failedOn = new AtomicReference<>();
        get(pool.submit(() -> failedOn.set(Thread.currentThread())));
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(failed));
        assertEquals("task failed", e.getCause().getMessage());
        return get(pool.submit(() -> Arrays.asList(USER.get(), Thread.currentThread() == failedOn.get())));
    }

    @Test
    void aTaskThatThrowsIsRestoredToo() throws Exception {
        assertEquals(List.of("alice", true), throwThenProbe(plainPool()), "control: the plain pool leaks");
        assertEquals(Arrays.asList(null, true), throwThenProbe(hygienicPool()));
    }

    /**
     * A task run by execute leaks into a plain and an inheritable local and throws, which ends its
     * worker; returns what the worker's uncaught-exception handler (which runs on the dying worker,
     * after afterExecute) saw, and what the next task, on the replacement worker that the dying one
     * created, inherited.
     */
    private static List<String> throwOutOfExecuteThenProbe(Function<ThreadFactory, ExecutorService> poolWith)
            throws Exception {
        List<String> seenByHandler = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch handled = new CountDownLatch(1);
        ExecutorService pool = poolWith.apply(task -> {
            Thread thread = new Thread(task, "reporting");
            thread.setUncaughtExceptionHandler((t, e) -> {
                seenByHandler.add(USER.get());
                handled.countDown();
            });
            return thread;
        });
        pool.execute(() -> {
            USER.set("alice");
            INHERITED.set("leaked");
            throw new IllegalStateException("task failed");
        });
        assertTrue(handled.await(30, SECONDS));
        String inherited = get(pool.submit(INHERITED::get));
        return Arrays.asList(seenByHandler.get(0), inherited);
    }

    @Test
    void aTaskThatThrowsOutOfExecuteIsRestoredBeforeItsWorkerEnds() throws Exception {
        assertEquals(List.of("alice", "leaked"), throwOutOfExecuteThenProbe(factory -> track(
                new ThreadPoolExecutor(1, 1, 0, MILLISECONDS, new LinkedBlockingQueue<>(), factory))),
                "control: the dying worker still holds the leak, and its replacement inherits it");
        assertEquals(Arrays.asList(null, null), throwOutOfExecuteThenProbe(factory -> track(
                new HygienicThreadPoolExecutor(1, 1, 0, MILLISECONDS, new LinkedBlockingQueue<>(), factory,
                        hygiene))));
    }

    private static final Object BASELINE = new Object();
    private static final Object KEPT_VALUE = new Object();
    private static final Object INHERITABLE_BASELINE = new Object();

    /** Makes workers that set a baseline in both maps before they start taking tasks. */
    private static final ThreadFactory WITH_BASELINE = task -> new Thread(() -> {
        BASE.set(BASELINE);
        KEPT.set(KEPT_VALUE);
        INHERITABLE_BASE.set(INHERITABLE_BASELINE);
        task.run();
    }, "with-baseline");

    /** A task overwrites and removes baseline entries; returns what the next task finds. */
    private static List<Object> overwriteAndRemoveThenProbe(ExecutorService pool) throws Exception {
        get(pool.submit(() -> {
            BASE.set("overwritten");
            KEPT.remove();
            INHERITABLE_BASE.set("overwritten too");
        }));
        return get(pool.submit(() -> Arrays.asList(BASE.get(), KEPT.get(), INHERITABLE_BASE.get())));
    }

    @Test
    void valuesATaskOverwroteOrRemovedArePutBackAsTheSameReferences() throws Exception {
        assertEquals(Arrays.asList("overwritten", null, "overwritten too"), overwriteAndRemoveThenProbe(track(
                new ThreadPoolExecutor(1, 1, 0, MILLISECONDS, new LinkedBlockingQueue<>(), WITH_BASELINE))),
                "control: the plain pool keeps what the task did");

        List<Object> seen = overwriteAndRemoveThenProbe(track(new HygienicThreadPoolExecutor(1, 1, 0, MILLISECONDS,
                new LinkedBlockingQueue<>(), WITH_BASELINE, hygiene)));
        assertSame(BASELINE, seen.get(0));
        assertSame(KEPT_VALUE, seen.get(1));
        assertSame(INHERITABLE_BASELINE, seen.get(2));
    }

    // ---------------------------------------------------------------------------------------------
    // Subclass hooks

    private static final ThreadLocal<Long> START = new ThreadLocal<>();
    private static final ThreadLocal<String> TENANT = new ThreadLocal<>();

    /**
     * Makes workers that record, once their worker loop has ended, what is left on them of START,
     * USER and TENANT: the worker's state after the last task and its hooks, seen from outside any scope.
     */
    private static ThreadFactory recordingAtExit(List<Object> leftAtExit, CountDownLatch exited) {
        return task -> new Thread(() -> {
            task.run();
            leftAtExit.add(START.get());
            leftAtExit.add(USER.get());
            leftAtExit.add(TENANT.get());
            exited.countDown();
        }, "recording");
    }

    /** The documented shape: super.beforeExecute first, super.afterExecute last. */
    static final class TimingPool extends HygienicThreadPoolExecutor {
        final List<Object> seenInAfterExecute = Collections.synchronizedList(new ArrayList<>());

        TimingPool(ThreadFactory factory, ThreadHygiene hygiene) {
            super(1, 1, 0, MILLISECONDS, new LinkedBlockingQueue<>(), factory, hygiene);
        }

        @Override
        protected void beforeExecute(Thread t, Runnable r) {
            super.beforeExecute(t, r);
            START.set(System.nanoTime());
        }

        @Override
        protected void afterExecute(Runnable r, Throwable t) {
            seenInAfterExecute.add(START.get() != null);
            seenInAfterExecute.add(USER.get());
            super.afterExecute(r, t);
        }
    }

    /** The same hooks on a plain pool. */
    static final class PlainTimingPool extends ThreadPoolExecutor {
        final List<Object> seenInAfterExecute = Collections.synchronizedList(new ArrayList<>());

        PlainTimingPool(ThreadFactory factory) {
            super(1, 1, 0, MILLISECONDS, new LinkedBlockingQueue<>(), factory);
        }

        @Override
        protected void beforeExecute(Thread t, Runnable r) {
            super.beforeExecute(t, r);
            START.set(System.nanoTime());
        }

        @Override
        protected void afterExecute(Runnable r, Throwable t) {
            seenInAfterExecute.add(START.get() != null);
            seenInAfterExecute.add(USER.get());
            super.afterExecute(r, t);
        }
    }

    @Test
    void hooksCallingSuperFirstAndLastRunInsideTheTasksScope() throws Exception {
        List<Object> plainLeft = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch plainExited = new CountDownLatch(1);
        PlainTimingPool plain = track(new PlainTimingPool(recordingAtExit(plainLeft, plainExited)));
        get(plain.submit(() -> USER.set("alice")));
        plain.shutdown();
        assertTrue(plainExited.await(30, SECONDS));
        assertEquals(List.of(true, "alice"), plain.seenInAfterExecute);
        assertTrue(plainLeft.get(0) != null && "alice".equals(plainLeft.get(1)),
                "control: a plain pool's worker keeps what the task and the hook set: " + plainLeft);

        List<Object> left = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch exited = new CountDownLatch(1);
        TimingPool pool = track(new TimingPool(recordingAtExit(left, exited), hygiene));
        get(pool.submit(() -> USER.set("alice")));
        pool.shutdown();
        assertTrue(exited.await(30, SECONDS));
        assertEquals(List.of(true, "alice"), pool.seenInAfterExecute,
                "afterExecute, before super.afterExecute, still sees the hook's value and the task's leak");
        assertEquals(Arrays.asList(null, null, null), left,
                "what the task and the hook set inside the scope was undone with the task");
        assertEquals(2L, hygiene.stats().leftovers(),
                "the hook's START and the task's USER: " + hygiene.stats().report());
    }

    /** A hook that sets TENANT before super.beforeExecute and reads it after super.afterExecute. */
    static final class TenantPool extends HygienicThreadPoolExecutor {
        final List<String> seenInTask = Collections.synchronizedList(new ArrayList<>());
        final List<String> seenAfterSuper = Collections.synchronizedList(new ArrayList<>());

        TenantPool(ThreadHygiene hygiene) {
            super(1, 1, 0, MILLISECONDS, new LinkedBlockingQueue<>(), hygiene);
        }

        @Override
        protected void beforeExecute(Thread t, Runnable r) {
            TENANT.set("tenant-of-" + r);
            super.beforeExecute(t, r);
        }

        @Override
        protected void afterExecute(Runnable r, Throwable t) {
            super.afterExecute(r, t);
            seenAfterSuper.add(TENANT.get());
            TENANT.remove();
        }
    }

    /** The same hooks on a plain pool. */
    static final class PlainTenantPool extends ThreadPoolExecutor {
        final List<String> seenAfterSuper = Collections.synchronizedList(new ArrayList<>());

        PlainTenantPool() {
            super(1, 1, 0, MILLISECONDS, new LinkedBlockingQueue<>());
        }

        @Override
        protected void beforeExecute(Thread t, Runnable r) {
            TENANT.set("tenant-of-" + r);
            super.beforeExecute(t, r);
        }

        @Override
        protected void afterExecute(Runnable r, Throwable t) {
            super.afterExecute(r, t);
            seenAfterSuper.add(TENANT.get());
            TENANT.remove();
        }
    }

    /** A task that reports the tenant it found and overwrites it. */
    private static Runnable overwritingTenant(List<String> seenInTask) {
        return new Runnable() {
            @Override
            public void run() {
                seenInTask.add(TENANT.get());
                TENANT.set("overwritten by the task");
            }

            @Override
            public String toString() {
                return "overwriting-task";
            }
        };
    }

    @Test
    void aValueAHookSetsBeforeSuperBeforeExecuteIsPartOfTheSnapshotAndPutBack() throws Exception {
        PlainTenantPool plain = track(new PlainTenantPool());
        List<String> plainSeenInTask = Collections.synchronizedList(new ArrayList<>());
        plain.execute(overwritingTenant(plainSeenInTask));
        await().atMost(Duration.ofSeconds(30)).until(() -> plain.seenAfterSuper.size() == 1);
        assertEquals(List.of("tenant-of-overwriting-task"), plainSeenInTask);
        assertEquals("overwritten by the task", plain.seenAfterSuper.get(0), "control: a plain pool");

        TenantPool pool = track(new TenantPool(hygiene));
        pool.execute(overwritingTenant(pool.seenInTask));
        pool.execute(NOTHING);
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.seenAfterSuper.size() == 2);
        assertEquals(List.of("tenant-of-overwriting-task"), pool.seenInTask, "the task sees the hook's value");
        assertEquals("tenant-of-overwriting-task", pool.seenAfterSuper.get(0),
                "after super.afterExecute the hook's value is back");
        awaitTasks(2);
        assertEquals(1L, hygiene.stats().tasksWithLeftovers(),
                "only the overwrite is a leftover, not the hook's own value: " + hygiene.stats().report());
    }

    // ---------------------------------------------------------------------------------------------
    // Rejection

    /** A pool of one worker and a queue of one, with the worker busy and the queue full. */
    private HygienicThreadPoolExecutor saturatedHygienicPool(RejectedExecutionHandler handler) throws Exception {
        HygienicThreadPoolExecutor pool = track(new HygienicThreadPoolExecutor(1, 1, 0, MILLISECONDS,
                new ArrayBlockingQueue<>(1), handler, hygiene));
        saturate(pool);
        return pool;
    }

    private ThreadPoolExecutor saturatedPlainPool(RejectedExecutionHandler handler) throws Exception {
        ThreadPoolExecutor pool = track(new ThreadPoolExecutor(1, 1, 0, MILLISECONDS, new ArrayBlockingQueue<>(1),
                handler));
        saturate(pool);
        return pool;
    }

    private void saturate(ThreadPoolExecutor pool) throws Exception {
        occupy(pool);
        pool.execute(NOTHING);
        assertEquals(1, pool.getQueue().size());
    }

    private static final Object A0 = new Object();
    private static final Object A1 = new Object();
    private static final Object KEPT0 = new Object();

    /**
     * The submitter holds BASE = A0 and KEPT = KEPT0 and no ABSENT; the task, run by the handler,
     * overwrites BASE, removes KEPT, adds ABSENT and an inheritable value. Returns what the
     * submitter then holds, and whether the task ran on it.
     */
    private static List<Object> dirtySubmitterThroughRejection(Executable submit, AtomicReference<Thread> ranOn)
            throws Throwable {
        BASE.set(A0);
        KEPT.set(KEPT0);
        submit.execute();
        return Arrays.asList(BASE.get(), KEPT.get(), ABSENT.get(), INHERITED.get(),
                ranOn.get() == Thread.currentThread());
    }

    private static Runnable dirtying(AtomicReference<Thread> ranOn) {
        return () -> {
            ranOn.set(Thread.currentThread());
            BASE.set(A1);
            KEPT.remove();
            ABSENT.set("added by the task");
            INHERITED.set("added by the task");
        };
    }

    @Test
    void callerRunsPolicyRunsTheTaskInlineAndRestoresTheSubmittersOwnState() throws Throwable {
        ThreadPoolExecutor plain = saturatedPlainPool(new ThreadPoolExecutor.CallerRunsPolicy());
        AtomicReference<Thread> plainRanOn = new AtomicReference<>();
        assertEquals(Arrays.asList(A1, null, "added by the task", "added by the task", true),
                dirtySubmitterThroughRejection(() -> plain.execute(dirtying(plainRanOn)), plainRanOn),
                "control: the plain pool's caller-runs task leaves the submitter dirty");
        for (ThreadLocal<?> local : List.of(BASE, KEPT, ABSENT, INHERITED)) {
            local.remove();
        }

        HygienicThreadPoolExecutor pool = saturatedHygienicPool(new ThreadPoolExecutor.CallerRunsPolicy());
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        List<Object> seen = dirtySubmitterThroughRejection(() -> pool.execute(dirtying(ranOn)), ranOn);
        assertSame(A0, seen.get(0), "the overwritten value is back");
        assertSame(KEPT0, seen.get(1), "the removed value is back");
        assertEquals(Arrays.asList("absent", null, true), seen.subList(2, 5),
                "the added entries are gone, and the task ran on the submitting thread");
        assertEquals(1L, hygiene.stats().tasks(), "the inline run had a scope of its own");
        assertEquals(4L, hygiene.stats().leftovers(), hygiene.stats().report());
    }

    @Test
    void callerRunsPolicyRestoresTheSubmitterForSubmitToo() throws Throwable {
        HygienicThreadPoolExecutor pool = saturatedHygienicPool(new ThreadPoolExecutor.CallerRunsPolicy());
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        List<Object> seen = dirtySubmitterThroughRejection(
                () -> assertNull(get(pool.submit(dirtying(ranOn)))), ranOn);
        assertSame(A0, seen.get(0));
        assertSame(KEPT0, seen.get(1));
        assertEquals(Arrays.asList("absent", null, true), seen.subList(2, 5));
    }

    /**
     * A task on the pool's own worker sets OUTER, then submits a task that the saturated pool
     * rejects and that CallerRunsPolicy runs inline on the worker; the inline task overwrites
     * OUTER. Returns what the outer task then sees.
     */
    private List<String> callerRunsInsideAPoolTask(ThreadPoolExecutor pool) throws Exception {
        return get(pool.submit(() -> {
            USER.set("outer");
            pool.execute(NOTHING);                      // fills the queue of one
            pool.execute(() -> USER.set("inner"));      // rejected: runs here, inline
            List<String> seen = Arrays.asList(USER.get(), String.valueOf(pool.getQueue().size()));
            USER.remove();
            return seen;
        }));
    }

    @Test
    void callerRunsInsideAPoolTaskRestoresTheOuterTasksOwnState() throws Exception {
        assertEquals(List.of("inner", "1"), callerRunsInsideAPoolTask(track(new ThreadPoolExecutor(1, 1, 0,
                MILLISECONDS, new ArrayBlockingQueue<>(1), new ThreadPoolExecutor.CallerRunsPolicy()))),
                "control: the inline task overwrote the outer task's value");
        assertEquals(List.of("outer", "1"), callerRunsInsideAPoolTask(track(new HygienicThreadPoolExecutor(1, 1, 0,
                MILLISECONDS, new ArrayBlockingQueue<>(1), new ThreadPoolExecutor.CallerRunsPolicy(), hygiene))),
                "the inline task's scope nested in the outer task's and restored its state");
    }

    /** A task whose toString is fixed, so that exception messages can be compared. */
    private static final Runnable NAMED_TASK = new Runnable() {
        @Override
        public void run() {
        }

        @Override
        public String toString() {
            return "the-task";
        }
    };

    @Test
    void abortPolicyThrowsWhatAPlainPoolThrows() throws Exception {
        ThreadPoolExecutor plain = saturatedPlainPool(new ThreadPoolExecutor.AbortPolicy());
        RejectedExecutionException plainRejection = assertThrows(RejectedExecutionException.class,
                () -> plain.execute(NAMED_TASK));
        HygienicThreadPoolExecutor pool = track(new HygienicThreadPoolExecutor(1, 1, 0, MILLISECONDS,
                new ArrayBlockingQueue<>(1), hygiene));
        saturate(pool);
        RejectedExecutionException rejection = assertThrows(RejectedExecutionException.class,
                () -> pool.execute(NAMED_TASK));

        assertSame(plainRejection.getClass(), rejection.getClass());
        assertEquals("Task the-task rejected from " + plain, plainRejection.getMessage(), "control: the JDK's message");
        assertEquals("Task the-task rejected from " + pool, rejection.getMessage());
        assertEquals(plainRejection.getMessage().replace(plain.toString(), "<pool>"),
                rejection.getMessage().replace(pool.toString(), "<pool>"));
        assertEquals(0L, hygiene.stats().tasks(), "the rejected task did not run");
    }

    @Test
    void discardOldestPolicyQueuesTheCallersOwnTask() throws Exception {
        ThreadPoolExecutor plain = saturatedPlainPool(new ThreadPoolExecutor.DiscardOldestPolicy());
        plain.execute(NAMED_TASK);
        assertSame(NAMED_TASK, plain.getQueue().peek(), "control: a plain pool queues the caller's task");

        HygienicThreadPoolExecutor pool = saturatedHygienicPool(new ThreadPoolExecutor.DiscardOldestPolicy());
        pool.execute(NAMED_TASK);
        assertEquals(1, pool.getQueue().size());
        assertSame(NAMED_TASK, pool.getQueue().peek(), "getQueue shows the caller's task, not a wrapper");
        List<Runnable> pending = pool.shutdownNow();
        assertEquals(1, pending.size());
        assertSame(NAMED_TASK, pending.get(0), "shutdownNow gives back the caller's task");
    }

    @Test
    void aTaskThatDiscardOldestPolicyRequeuedRunsOnceInOneScope() throws Exception {
        HygienicThreadPoolExecutor pool = saturatedHygienicPool(new ThreadPoolExecutor.DiscardOldestPolicy());
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch ran = new CountDownLatch(1);
        pool.execute(() -> {
            runs.incrementAndGet();
            USER.set("alice");
            ran.countDown();
        });
        releases.forEach(CountDownLatch::countDown);
        assertTrue(ran.await(30, SECONDS));
        assertNull(get(pool.submit(USER::get)));
        // the occupying task, the requeued task and the probe: one scope each, the discarded one never ran
        awaitTasks(3);
        assertEquals(1, runs.get());
    }

    @Test
    void theRejectionHandlerIsTheOneGivenAndASetHandlerIsHygienicToo() throws Throwable {
        RejectedExecutionHandler abort = new ThreadPoolExecutor.AbortPolicy();
        HygienicThreadPoolExecutor pool = saturatedHygienicPool(abort);
        assertSame(abort, pool.getRejectedExecutionHandler());
        RejectedExecutionHandler callerRuns = new ThreadPoolExecutor.CallerRunsPolicy();
        pool.setRejectedExecutionHandler(callerRuns);
        assertSame(callerRuns, pool.getRejectedExecutionHandler());

        AtomicReference<Thread> ranOn = new AtomicReference<>();
        List<Object> seen = dirtySubmitterThroughRejection(() -> pool.execute(dirtying(ranOn)), ranOn);
        assertSame(A0, seen.get(0));
        assertSame(KEPT0, seen.get(1));
        assertEquals(Arrays.asList("absent", null, true), seen.subList(2, 5),
                "a handler set later runs the task in a scope too");
        assertEquals("handler", assertThrows(NullPointerException.class,
                () -> pool.setRejectedExecutionHandler(null)).getMessage());
        assertSame(callerRuns, pool.getRejectedExecutionHandler(), "a failed set changes nothing");
    }

    // ---------------------------------------------------------------------------------------------
    // Thread factory

    /** Starts a thread of the factory, made while the test thread holds an inheritable value; returns what it saw. */
    private static String inheritedByThreadOf(ThreadFactory factory) throws InterruptedException {
        AtomicReference<String> inherited = new AtomicReference<>("not run");
        Thread thread;
        INHERITED.set("request-42");
        try {
            thread = factory.newThread(() -> inherited.set(INHERITED.get()));
        } finally {
            INHERITED.remove();
        }
        thread.start();
        thread.join(30_000);
        assertFalse(thread.isAlive());
        return inherited.get();
    }

    @Test
    void getThreadFactoryReturnsTheGivenFactoryDecoratedSoThatItsThreadsStartClean() throws Exception {
        AtomicInteger made = new AtomicInteger();
        ThreadFactory given = task -> {
            made.incrementAndGet();
            return new Thread(task, "given");
        };
        assertEquals("request-42", inheritedByThreadOf(given), "control: the given factory's threads inherit");

        HygienicThreadPoolExecutor pool = track(new HygienicThreadPoolExecutor(1, 1, 0, MILLISECONDS,
                new LinkedBlockingQueue<>(), given, hygiene));
        ThreadFactory decorated = pool.getThreadFactory();
        assertNotSame(given, decorated);
        assertNull(inheritedByThreadOf(decorated));
        assertEquals(2, made.get(), "the decorated factory asked the given one");
        pool.setThreadFactory(decorated);
        assertSame(decorated, pool.getThreadFactory(), "setting the decorated factory again adds no layer");

        HygienicThreadPoolExecutor defaultPool = hygienicPool();
        Thread thread = defaultPool.getThreadFactory().newThread(NOTHING);
        assertInstanceOf(HygienicThread.class, thread);
        assertTrue(thread.getName().matches("hygienic-pool-\\d+-thread-1"), thread.getName());
        assertNull(inheritedByThreadOf(defaultPool.getThreadFactory()));
    }

    @Test
    void setThreadFactoryDecoratesTheNewFactorySoThatNewWorkersStartClean() throws Exception {
        ThreadPoolExecutor plain = plainPool();
        plain.setThreadFactory(named("set"));
        assertEquals(List.of("request-42", "alice"), inheritedThenLeaked(plain), "control: a plain pool");

        HygienicThreadPoolExecutor pool = hygienicPool();
        ThreadFactory set = named("set");
        pool.setThreadFactory(set);
        assertNotSame(set, pool.getThreadFactory());
        assertEquals(Arrays.asList(null, null), inheritedThenLeaked(pool));
        assertEquals("set-1", get(pool.submit(() -> Thread.currentThread().getName())),
                "the new worker came from the set factory");
        assertEquals("threadFactory", assertThrows(NullPointerException.class,
                () -> pool.setThreadFactory(null)).getMessage());
    }

    // ---------------------------------------------------------------------------------------------
    // Argument checks

    private static void assertIllegal(String message, Executable construct) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, construct).getMessage());
    }

    @ParameterizedTest
    @EnumSource(PoolConstructor.class)
    void badSizesAreRejectedWithAMessageNamingTheValue(PoolConstructor constructor) {
        assertIllegal("corePoolSize must be 0 or more, was -1",
                () -> constructor.hygienic(Args.sizes(-1, 1, 0, hygiene)));
        assertIllegal("maximumPoolSize must be 1 or more, was 0",
                () -> constructor.hygienic(Args.sizes(0, 0, 0, hygiene)));
        assertIllegal("maximumPoolSize (1) must not be less than corePoolSize (2)",
                () -> constructor.hygienic(Args.sizes(2, 1, 0, hygiene)));
        assertIllegal("keepAliveTime must be 0 or more, was -1",
                () -> constructor.hygienic(Args.sizes(1, 1, -1, hygiene)));
        for (Args bad : List.of(Args.sizes(-1, 1, 0, hygiene), Args.sizes(0, 0, 0, hygiene),
                Args.sizes(2, 1, 0, hygiene), Args.sizes(1, 1, -1, hygiene))) {
            assertThrows(IllegalArgumentException.class, () -> constructor.plain(bad),
                    "control: ThreadPoolExecutor rejects the same sizes");
        }
        // sizes a plain pool accepts are accepted
        track(constructor.hygienic(Args.sizes(0, 1, 0, hygiene)));
        track(constructor.hygienic(Args.sizes(2, 2, 0, hygiene)));
    }

    private static void assertNullNamed(String parameter, Executable construct) {
        assertEquals(parameter, assertThrows(NullPointerException.class, construct).getMessage());
    }

    @ParameterizedTest
    @EnumSource(PoolConstructor.class)
    void nullArgumentsAreRejectedByName(PoolConstructor constructor) {
        Args good = Args.sizes(1, 1, 0, hygiene);
        assertNullNamed("unit", () -> constructor.hygienic(good.unit(null)));
        assertNullNamed("workQueue", () -> constructor.hygienic(good.queue(null)));
        assertNullNamed("hygiene", () -> constructor.hygienic(good.hygiene(null)));
        if (constructor.takesFactory) {
            assertNullNamed("threadFactory", () -> constructor.hygienic(good.factory(null)));
        }
        if (constructor.takesHandler) {
            assertNullNamed("handler", () -> constructor.hygienic(good.handler(null)));
        }
    }

    @Test
    void executeOfNullIsRejectedByName() {
        assertNullNamed("command", () -> hygienicPool().execute(null));
    }

    // ---------------------------------------------------------------------------------------------
    // Cancellation, invokeAll, invokeAny

    /**
     * A task leaks, then blocks until it is cancelled with an interrupt; returns what the next task
     * on the same worker saw: the leak, whether it ran on the cancelled task's thread, and whether
     * it started interrupted.
     */
    private static List<Object> cancelRunningTaskThenProbe(ExecutorService pool) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicReference<Thread> worker = new AtomicReference<>();
        Future<?> running = pool.submit(() -> {
            worker.set(Thread.currentThread());
            USER.set("alice");
            started.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        assertTrue(started.await(30, SECONDS));
        assertTrue(running.cancel(true));
        assertTrue(interrupted.await(30, SECONDS), "the task was interrupted");
        List<Object> seen = get(pool.submit(() -> Arrays.asList(USER.get(), Thread.currentThread() == worker.get(),
                Thread.currentThread().isInterrupted())));
        assertEquals("still working", get(pool.submit(() -> "still working")));
        return seen;
    }

    @Test
    void aRunningTaskCancelledWithInterruptLeavesAWorkerThatIsCleanAndKeepsWorking() throws Exception {
        assertEquals(List.of("alice", true, false), cancelRunningTaskThenProbe(plainPool()),
                "control: the plain pool's worker keeps the cancelled task's leak");
        assertEquals(Arrays.asList(null, true, false), cancelRunningTaskThenProbe(hygienicPool()));
        awaitTasks(3);
    }

    private static String leak() {
        USER.set("alice");
        return "done";
    }

    private static List<String> invokeAllAndAnyThenProbe(ExecutorService pool) throws Exception {
        List<Callable<String>> leaky = List.of(HygienicThreadPoolExecutorTest::leak,
                HygienicThreadPoolExecutorTest::leak, HygienicThreadPoolExecutorTest::leak);
        List<String> seen = new ArrayList<>();
        for (Future<String> future : pool.invokeAll(leaky)) {
            assertEquals("done", get(future));
        }
        seen.add(get(pool.submit(USER::get)));
        get(pool.submit(USER::remove));
        for (Future<String> future : pool.invokeAll(leaky, 30, SECONDS)) {
            assertEquals("done", get(future));
        }
        seen.add(get(pool.submit(USER::get)));
        get(pool.submit(USER::remove));
        assertEquals("done", pool.invokeAny(leaky));
        seen.add(get(pool.submit(USER::get)));
        get(pool.submit(USER::remove));
        assertEquals("done", pool.invokeAny(leaky, 30, SECONDS));
        seen.add(get(pool.submit(USER::get)));
        return seen;
    }

    @Test
    void invokeAllAndInvokeAnyRunEveryTaskInAScope() throws Exception {
        assertEquals(List.of("alice", "alice", "alice", "alice"), invokeAllAndAnyThenProbe(plainPool()),
                "control: the plain pool leaks");
        assertEquals(Arrays.asList(null, null, null, null), invokeAllAndAnyThenProbe(hygienicPool()));
        assertTrue(hygiene.stats().leftoversByType().get("java.lang.ThreadLocal -> java.lang.String") >= 8,
                hygiene.stats().report());
    }

    // ---------------------------------------------------------------------------------------------
    // Allocation

    /** Tasks per measured batch. Any allocation per task would be at least 16 bytes each: 800 KB a batch. */
    private static final int TASKS = 50_000;
    /** Batches run before measuring, so that the JIT has compiled the pool and the hygiene. */
    private static final int WARM_UP_BATCHES = 20;
    private static final int ROUNDS = 3;
    /** What a batch may allocate beyond a plain pool's, independent of the number of tasks. */
    private static final long SLACK_BYTES = 1024;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Bytes that one batch allocated: [0] on the worker, [1] on the submitting thread. */
    private static long[] batch(ThreadPoolExecutor pool) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        long[] worker = new long[2];
        pool.execute(() -> {
            awaitQuietly(release);
            worker[0] = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
        });
        long submitter = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < TASKS; i++) {
            pool.execute(NOTHING);
        }
        submitter = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId()) - submitter;
        pool.execute(() -> {
            worker[1] = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
            done.countDown();
        });
        release.countDown();
        assertTrue(done.await(60, SECONDS));
        return new long[] {worker[1] - worker[0], submitter};
    }

    /** The least bytes a batch allocated over the rounds after warm-up: [0] on the worker, [1] on the submitter. */
    private static long[] leastPerBatch(ThreadPoolExecutor pool) throws Exception {
        for (int i = 0; i < WARM_UP_BATCHES; i++) {
            batch(pool);
        }
        long[] least = {Long.MAX_VALUE, Long.MAX_VALUE};
        for (int round = 0; round < ROUNDS; round++) {
            long[] bytes = batch(pool);
            least[0] = Math.min(least[0], bytes[0]);
            least[1] = Math.min(least[1], bytes[1]);
        }
        return least;
    }

    private static final int BASELINE_LOCALS = 8;

    /** Workers with 8 entries in each map before they take tasks, so that each snapshot has a table to walk. */
    private static ThreadFactory withLocals(boolean hygienicThreads) {
        return task -> {
            Runnable withLocals = () -> {
                List<ThreadLocal<Object>> locals = new ArrayList<>();
                for (int i = 0; i < BASELINE_LOCALS; i++) {
                    ThreadLocal<Object> local = new ThreadLocal<>();
                    local.set("value-" + i);
                    InheritableThreadLocal<Object> inheritable = new InheritableThreadLocal<>();
                    inheritable.set("inherited-" + i);
                    locals.add(local);
                    locals.add(inheritable);
                }
                task.run();
                locals.forEach(ThreadLocal::remove);
            };
            return hygienicThreads ? new HygienicThread(null, withLocals, "allocation") : new Thread(withLocals,
                    "allocation");
        };
    }

    private void assertNoAllocationPerTask(boolean hygienicThreads, TestReporter reporter) throws Exception {
        long[] plain = leastPerBatch(track(new ThreadPoolExecutor(1, 1, 0, MILLISECONDS, new LinkedBlockingQueue<>(),
                withLocals(hygienicThreads))));
        long[] hygienic = leastPerBatch(track(new HygienicThreadPoolExecutor(1, 1, 0, MILLISECONDS,
                new LinkedBlockingQueue<>(), withLocals(hygienicThreads), hygiene)));
        String figures = "bytes per batch of " + TASKS + " tasks: worker " + hygienic[0] + " (plain pool "
                + plain[0] + "), submitter " + hygienic[1] + " (plain pool " + plain[1] + ")";
        reporter.publishEntry("allocation", figures);
        assertTrue(hygienic[0] <= plain[0] + SLACK_BYTES, "the worker allocated more than a plain pool's: " + figures);
        assertTrue(hygienic[1] <= plain[1] + SLACK_BYTES,
                "execute allocated more than a plain pool's: " + figures);
        assertTrue(plain[1] >= TASKS, "control: the submitter's measure sees the queue's nodes: " + figures);
        awaitTasks((long) (WARM_UP_BATCHES + ROUNDS) * (TASKS + 2));
    }

    @Test
    void aTaskThatTouchedNothingAllocatesNoMoreThanOnAPlainPool(TestReporter reporter) throws Exception {
        assertNoAllocationPerTask(false, reporter);
    }

    @Test
    void aTaskThatTouchedNothingAllocatesNoMoreThanOnAPlainPoolOnHygienicThreads(TestReporter reporter)
            throws Exception {
        assertNoAllocationPerTask(true, reporter);
    }
}
