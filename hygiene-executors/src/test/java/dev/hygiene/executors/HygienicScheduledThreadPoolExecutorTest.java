package dev.hygiene.executors;

import static java.util.concurrent.TimeUnit.HOURS;
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

import dev.hygiene.core.ThreadHygiene;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link HygienicScheduledThreadPoolExecutor}: a one-shot task, a delayed task and every run of a
 * periodic task start on a clean worker, beside a plain {@link ScheduledThreadPoolExecutor} whose
 * runs see what the run before left.
 */
class HygienicScheduledThreadPoolExecutorTest {

    private static final ThreadLocal<String> USER = new ThreadLocal<>();
    private static final InheritableThreadLocal<String> INHERITED = new InheritableThreadLocal<>();
    private static final ThreadLocal<Object> BASE = new ThreadLocal<>();

    private final ThreadHygiene hygiene = ThreadHygiene.enforcing();
    private final List<ScheduledExecutorService> pools = new ArrayList<>();
    private final List<CountDownLatch> releases = new ArrayList<>();

    @AfterEach
    void shutDownPoolsAndCleanTheTestThread() throws InterruptedException {
        releases.forEach(CountDownLatch::countDown);
        for (ScheduledExecutorService pool : pools) {
            pool.shutdownNow();
        }
        for (ScheduledExecutorService pool : pools) {
            assertTrue(pool.awaitTermination(30, SECONDS), pool + " did not terminate");
        }
        USER.remove();
        INHERITED.remove();
        BASE.remove();
    }

    private <E extends ScheduledExecutorService> E track(E pool) {
        pools.add(pool);
        return pool;
    }

    private HygienicScheduledThreadPoolExecutor hygienicPool() {
        return track(new HygienicScheduledThreadPoolExecutor(1, hygiene));
    }

    private ScheduledThreadPoolExecutor plainPool() {
        return track(new ScheduledThreadPoolExecutor(1));
    }

    private static <T> T get(Future<T> future) throws Exception {
        return future.get(30, SECONDS);
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

    /** The four constructors of HygienicScheduledThreadPoolExecutor, each beside ScheduledThreadPoolExecutor's own. */
    enum PoolConstructor {
        SIZE(false, false) {
            @Override
            HygienicScheduledThreadPoolExecutor hygienic(int core, ThreadFactory f, RejectedExecutionHandler r,
                    ThreadHygiene h) {
                return new HygienicScheduledThreadPoolExecutor(core, h);
            }

            @Override
            ScheduledThreadPoolExecutor plain(int core, ThreadFactory f, RejectedExecutionHandler r) {
                return new ScheduledThreadPoolExecutor(core);
            }
        },
        FACTORY(true, false) {
            @Override
            HygienicScheduledThreadPoolExecutor hygienic(int core, ThreadFactory f, RejectedExecutionHandler r,
                    ThreadHygiene h) {
                return new HygienicScheduledThreadPoolExecutor(core, f, h);
            }

            @Override
            ScheduledThreadPoolExecutor plain(int core, ThreadFactory f, RejectedExecutionHandler r) {
                return new ScheduledThreadPoolExecutor(core, f);
            }
        },
        HANDLER(false, true) {
            @Override
            HygienicScheduledThreadPoolExecutor hygienic(int core, ThreadFactory f, RejectedExecutionHandler r,
                    ThreadHygiene h) {
                return new HygienicScheduledThreadPoolExecutor(core, r, h);
            }

            @Override
            ScheduledThreadPoolExecutor plain(int core, ThreadFactory f, RejectedExecutionHandler r) {
                return new ScheduledThreadPoolExecutor(core, r);
            }
        },
        FACTORY_AND_HANDLER(true, true) {
            @Override
            HygienicScheduledThreadPoolExecutor hygienic(int core, ThreadFactory f, RejectedExecutionHandler r,
                    ThreadHygiene h) {
                return new HygienicScheduledThreadPoolExecutor(core, f, r, h);
            }

            @Override
            ScheduledThreadPoolExecutor plain(int core, ThreadFactory f, RejectedExecutionHandler r) {
                return new ScheduledThreadPoolExecutor(core, f, r);
            }
        };

        final boolean takesFactory;
        final boolean takesHandler;

        PoolConstructor(boolean takesFactory, boolean takesHandler) {
            this.takesFactory = takesFactory;
            this.takesHandler = takesHandler;
        }

        abstract HygienicScheduledThreadPoolExecutor hygienic(int core, ThreadFactory factory,
                RejectedExecutionHandler handler, ThreadHygiene hygiene);

        abstract ScheduledThreadPoolExecutor plain(int core, ThreadFactory factory, RejectedExecutionHandler handler);
    }

    /**
     * The first task is scheduled while the test thread holds an inheritable value, so its worker is
     * created then; it reports what it inherited and leaks a value; a periodic task reports the
     * leak on its first run and leaks again; a last task reports that.
     */
    private static List<String> inheritedThenLeaked(ScheduledExecutorService pool) throws Exception {
        Future<String> first;
        INHERITED.set("request-42");
        try {
            first = pool.schedule(() -> {
                String inherited = INHERITED.get();
                USER.set("alice");
                return inherited;
            }, 0, MILLISECONDS);
        } finally {
            INHERITED.remove();
        }
        List<String> seen = new ArrayList<>();
        seen.add(get(first));
        CountDownLatch ran = new CountDownLatch(1);
        ScheduledFuture<?> periodic = pool.scheduleAtFixedRate(() -> {
            if (ran.getCount() > 0) {
                seen.add(USER.get());
                USER.set("bob");
                ran.countDown();
            }
        }, 0, 1, MILLISECONDS);
        assertTrue(ran.await(30, SECONDS));
        periodic.cancel(false);
        seen.add(get(pool.submit(USER::get)));
        return seen;
    }

    @ParameterizedTest
    @EnumSource(PoolConstructor.class)
    void everyConstructorBuildsAPoolWhoseWorkersStartCleanAndAreRestoredAfterEachTask(PoolConstructor constructor)
            throws Exception {
        RejectedExecutionHandler handler = new ThreadPoolExecutor.DiscardPolicy();
        ScheduledThreadPoolExecutor plain = track(constructor.plain(1, named("given"), handler));
        assertEquals(List.of("request-42", "alice", "bob"), inheritedThenLeaked(plain),
                "control: a plain pool's worker inherits the request's value and keeps each leak");

        HygienicScheduledThreadPoolExecutor pool = track(constructor.hygienic(1, named("given"), handler, hygiene));
        assertSame(hygiene, pool.hygiene());
        assertEquals(Arrays.asList(null, null, null), inheritedThenLeaked(pool));
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
    }

    @ParameterizedTest
    @EnumSource(PoolConstructor.class)
    void argumentsAreCheckedWithMessagesNamingThem(PoolConstructor constructor) {
        ThreadFactory factory = Thread::new;
        RejectedExecutionHandler handler = new ThreadPoolExecutor.AbortPolicy();
        assertEquals("corePoolSize must be 0 or more, was -1", assertThrows(IllegalArgumentException.class,
                () -> constructor.hygienic(-1, factory, handler, hygiene)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> constructor.plain(-1, factory, handler),
                "control: ScheduledThreadPoolExecutor rejects it too");
        assertNullNamed("hygiene", () -> constructor.hygienic(1, factory, handler, null));
        if (constructor.takesFactory) {
            assertNullNamed("threadFactory", () -> constructor.hygienic(1, null, handler, hygiene));
        }
        if (constructor.takesHandler) {
            assertNullNamed("handler", () -> constructor.hygienic(1, factory, null, hygiene));
        }
        track(constructor.hygienic(0, factory, handler, hygiene));
    }

    private static void assertNullNamed(String parameter, Executable construct) {
        assertEquals(parameter, assertThrows(NullPointerException.class, construct).getMessage());
    }

    // ---------------------------------------------------------------------------------------------
    // Periodic tasks

    /** Runs a periodic task five times; returns what each run saw in USER when it started, and leaks each time. */
    private static List<String> fiveRunsSee(ScheduledExecutorService pool, boolean fixedRate)
            throws InterruptedException {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch fiveRuns = new CountDownLatch(5);
        Runnable leaky = () -> {
            if (fiveRuns.getCount() > 0) {
                seen.add(String.valueOf(USER.get()));
                USER.set("run-" + seen.size());   // forgets USER.remove()
                fiveRuns.countDown();
            }
        };
        ScheduledFuture<?> periodic = fixedRate
                ? pool.scheduleAtFixedRate(leaky, 0, 1, MILLISECONDS)
                : pool.scheduleWithFixedDelay(leaky, 0, 1, MILLISECONDS);
        assertTrue(fiveRuns.await(30, SECONDS));
        periodic.cancel(false);
        return new ArrayList<>(seen.subList(0, 5));
    }

    @Test
    void everyRunOfAFixedRateTaskStartsClean() throws Exception {
        assertEquals(List.of("null", "run-1", "run-2", "run-3", "run-4"), fiveRunsSee(plainPool(), true),
                "control: each run of a plain pool's periodic task sees the run before");
        assertEquals(Collections.nCopies(5, "null"), fiveRunsSee(hygienicPool(), true));
        await().atMost(Duration.ofSeconds(30)).until(() -> hygiene.stats().tasks() >= 5);
        assertTrue(hygiene.stats().leftoversByType().get("java.lang.ThreadLocal -> java.lang.String") >= 5,
                "each run's leak was counted: " + hygiene.stats().report());
    }

    @Test
    void everyRunOfAFixedDelayTaskStartsClean() throws Exception {
        assertEquals(List.of("null", "run-1", "run-2", "run-3", "run-4"), fiveRunsSee(plainPool(), false),
                "control: each run of a plain pool's periodic task sees the run before");
        assertEquals(Collections.nCopies(5, "null"), fiveRunsSee(hygienicPool(), false));
        await().atMost(Duration.ofSeconds(30)).until(() -> hygiene.stats().tasks() >= 5);
        assertTrue(hygiene.stats().leftoversByType().get("java.lang.ThreadLocal -> java.lang.String") >= 5,
                "each run's leak was counted: " + hygiene.stats().report());
    }

    private static final Object BASELINE = new Object();

    /** Runs of a periodic task overwrite a baseline that the worker set before its loop; returns what each run saw. */
    private static List<Object> periodicRunsOverwritingTheBaseline(ScheduledExecutorService pool)
            throws InterruptedException {
        List<Object> seen = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch threeRuns = new CountDownLatch(3);
        ScheduledFuture<?> periodic = pool.scheduleWithFixedDelay(() -> {
            if (threeRuns.getCount() > 0) {
                seen.add(BASE.get());
                BASE.set("overwritten");
                threeRuns.countDown();
            }
        }, 0, 1, MILLISECONDS);
        assertTrue(threeRuns.await(30, SECONDS));
        periodic.cancel(false);
        return new ArrayList<>(seen.subList(0, 3));
    }

    @Test
    void everyRunOfAPeriodicTaskFindsTheWorkersBaselineAgain() throws Exception {
        ThreadFactory withBaseline = task -> new Thread(() -> {
            BASE.set(BASELINE);
            task.run();
        }, "with-baseline");
        assertEquals(List.of(BASELINE, "overwritten", "overwritten"), periodicRunsOverwritingTheBaseline(
                track(new ScheduledThreadPoolExecutor(1, withBaseline))), "control: a plain pool");
        List<Object> seen = periodicRunsOverwritingTheBaseline(
                track(new HygienicScheduledThreadPoolExecutor(1, withBaseline, hygiene)));
        for (Object value : seen) {
            assertSame(BASELINE, value);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // One-shot and delayed tasks

    /** schedule(Callable) and schedule(Runnable) leak; returns what the task after each saw. */
    private static List<String> scheduleLeaksThenProbe(ScheduledExecutorService pool) throws Exception {
        List<String> seen = new ArrayList<>();
        assertEquals("done", get(pool.schedule(() -> {
            USER.set("alice");
            return "done";
        }, 0, MILLISECONDS)));
        seen.add(get(pool.schedule(USER::get, 0, MILLISECONDS)));
        assertNull(get(pool.schedule(() -> USER.set("bob"), 0, MILLISECONDS)));
        seen.add(get(pool.schedule(USER::get, 0, MILLISECONDS)));
        CountDownLatch ran = new CountDownLatch(1);
        pool.execute(() -> {
            USER.set("carol");
            ran.countDown();
        });
        assertTrue(ran.await(30, SECONDS));
        seen.add(get(pool.submit(USER::get)));
        return seen;
    }

    @Test
    void aCallableOrRunnableThatLeaksLeavesNothingForTheNextTask() throws Exception {
        assertEquals(List.of("alice", "bob", "carol"), scheduleLeaksThenProbe(plainPool()),
                "control: the plain pool leaks");
        assertEquals(Arrays.asList(null, null, null), scheduleLeaksThenProbe(hygienicPool()));
        awaitTasks(6);
    }

    /** A task delayed by 200 ms leaks; returns what the next task saw, after checking the delay was kept. */
    private static String delayedTaskLeaksThenProbe(ScheduledExecutorService pool) throws Exception {
        long delayNanos = MILLISECONDS.toNanos(200);
        long scheduled = System.nanoTime();
        AtomicReference<Long> ranAfter = new AtomicReference<>();
        ScheduledFuture<String> delayed = pool.schedule(() -> {
            ranAfter.set(System.nanoTime() - scheduled);
            USER.set("alice");
            return "late";
        }, delayNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        assertTrue(delayed.getDelay(MILLISECONDS) > 0, "not due yet");
        assertFalse(delayed.isDone());
        assertEquals("late", get(delayed));
        assertTrue(ranAfter.get() >= delayNanos, "ran after " + ranAfter.get() + " ns");
        return get(pool.submit(USER::get));
    }

    @Test
    void aDelayedTaskRunsAfterItsDelayAndIsRestored() throws Exception {
        assertEquals("alice", delayedTaskLeaksThenProbe(plainPool()), "control: the plain pool leaks");
        assertNull(delayedTaskLeaksThenProbe(hygienicPool()));
    }

    // ---------------------------------------------------------------------------------------------
    // The scheduled task that carries the caller's task behaves as the JDK's

    private static List<Integer> orderOfTasksDueTogether(ScheduledThreadPoolExecutor pool) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        pool.execute(() -> awaitQuietly(gate));
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 50; i++) {
            int n = i;
            pool.execute(() -> order.add(n));
        }
        gate.countDown();
        get(pool.submit(() -> { }));
        return order;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void tasksDueAtTheSameTimeRunInSubmissionOrderAsOnAPlainPool() throws Exception {
        List<Integer> plain = orderOfTasksDueTogether(plainPool());
        assertEquals(plain, orderOfTasksDueTogether(hygienicPool()));
        assertEquals(IntStream.range(0, 50).boxed().collect(Collectors.toList()), plain, "control");
    }

    private static int queuedAfterCancel(ScheduledThreadPoolExecutor pool) {
        pool.setRemoveOnCancelPolicy(true);
        ScheduledFuture<?> later = pool.schedule(() -> { }, 1, HOURS);
        assertEquals(1, pool.getQueue().size());
        assertTrue(later.cancel(false));
        assertTrue(later.isCancelled());
        assertTrue(later.isDone());
        assertThrows(CancellationException.class, later::get);
        return pool.getQueue().size();
    }

    @Test
    void aCancelledTaskLeavesTheQueueUnderTheRemoveOnCancelPolicyAsOnAPlainPool() {
        assertEquals(0, queuedAfterCancel(plainPool()), "control");
        assertEquals(0, queuedAfterCancel(hygienicPool()));
    }

    // ---------------------------------------------------------------------------------------------
    // Rejection and configuration

    @Test
    void aTaskRejectedAfterShutdownGetsThePlainPoolsException() throws Exception {
        ScheduledThreadPoolExecutor plain = plainPool();
        plain.shutdown();
        Runnable task = () -> { };
        RejectedExecutionException plainRejection = assertThrows(RejectedExecutionException.class,
                () -> plain.execute(task));
        HygienicScheduledThreadPoolExecutor pool = hygienicPool();
        pool.shutdown();
        RejectedExecutionException rejection = assertThrows(RejectedExecutionException.class,
                () -> pool.execute(task));
        assertSame(plainRejection.getClass(), rejection.getClass());
        // The rejected task is the pool's ScheduledFutureTask; its identity and the pool's differ.
        assertEquals(plainRejection.getMessage().replace(plain.toString(), "<pool>").replaceAll("@[0-9a-f]+", "@x"),
                rejection.getMessage().replace(pool.toString(), "<pool>").replaceAll("@[0-9a-f]+", "@x"));
    }

    /**
     * The pool is shut down while its worker is busy, so that it stays SHUTDOWN and a task due now
     * may still run; its handler runs whatever it rejects at once, on the submitting thread. The
     * task overwrites the submitter's BASE and adds USER. Returns what the submitter then holds.
     */
    private List<Object> handlerRunsRejectedTask(ScheduledThreadPoolExecutor pool) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        releases.add(release);
        pool.execute(() -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(running.await(30, SECONDS));
        pool.shutdown();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        BASE.set(BASELINE);
        pool.execute(() -> {
            ranOn.set(Thread.currentThread());
            BASE.set("overwritten");
            USER.set("alice");
        });
        return Arrays.asList(BASE.get(), USER.get(), ranOn.get() == Thread.currentThread());
    }

    @Test
    void aRejectedTaskThatTheHandlerRunsRestoresTheSubmittersOwnState() throws InterruptedException {
        RejectedExecutionHandler runsIt = (task, executor) -> task.run();
        assertEquals(List.of("overwritten", "alice", true), handlerRunsRejectedTask(
                track(new ScheduledThreadPoolExecutor(1, runsIt))),
                "control: a plain pool's handler dirties the submitter");
        USER.remove();

        HygienicScheduledThreadPoolExecutor pool = track(new HygienicScheduledThreadPoolExecutor(1, runsIt, hygiene));
        List<Object> seen = handlerRunsRejectedTask(pool);
        assertSame(BASELINE, seen.get(0));
        assertEquals(Arrays.asList(null, true), seen.subList(1, 3));
        assertSame(runsIt, pool.getRejectedExecutionHandler());
    }

    @Test
    void setRejectedExecutionHandlerKeepsTheGivenHandlerAndRunsItsTasksInAScope() throws InterruptedException {
        HygienicScheduledThreadPoolExecutor pool = hygienicPool();
        RejectedExecutionHandler runsIt = (task, executor) -> task.run();
        pool.setRejectedExecutionHandler(runsIt);
        assertSame(runsIt, pool.getRejectedExecutionHandler());
        List<Object> seen = handlerRunsRejectedTask(pool);
        assertSame(BASELINE, seen.get(0));
        assertEquals(Arrays.asList(null, true), seen.subList(1, 3));
        assertEquals("handler", assertThrows(NullPointerException.class,
                () -> pool.setRejectedExecutionHandler(null)).getMessage());
    }

    @Test
    void setThreadFactoryDecoratesTheNewFactorySoThatNewWorkersStartClean() throws Exception {
        ScheduledThreadPoolExecutor plain = plainPool();
        plain.setThreadFactory(named("set"));
        assertEquals(List.of("request-42", "alice", "bob"), inheritedThenLeaked(plain), "control: a plain pool");

        HygienicScheduledThreadPoolExecutor pool = hygienicPool();
        ThreadFactory set = named("set");
        pool.setThreadFactory(set);
        ThreadFactory decorated = pool.getThreadFactory();
        assertNotSame(set, decorated);
        pool.setThreadFactory(decorated);
        assertSame(decorated, pool.getThreadFactory(), "setting the decorated factory again adds no layer");
        assertEquals(Arrays.asList(null, null, null), inheritedThenLeaked(pool));
        assertEquals("set-1", get(pool.submit(() -> Thread.currentThread().getName())));
        assertEquals("threadFactory", assertThrows(NullPointerException.class,
                () -> pool.setThreadFactory(null)).getMessage());
        assertEquals("command", assertThrows(NullPointerException.class, () -> pool.execute(null)).getMessage());
    }
}
