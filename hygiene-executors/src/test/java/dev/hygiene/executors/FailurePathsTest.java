package dev.hygiene.executors;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.LeftoverListener;
import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.testsupport.RawMaps;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ENFORCE invariant when a task ends badly: by a RuntimeException, an Error, an
 * OutOfMemoryError the JVM throws, cancellation with interrupt, a self-interrupt, a
 * {@code shutdownNow} of its own pool, a rejection that runs it on the caller, or a
 * {@code LeftoverListener} that throws. Afterwards the worker (or, if the failure ended it, its
 * last state and its replacement) is clean, keeps its own baseline entries and the entries the
 * policy retains, and the pool keeps running.
 *
 * <p>Every worker is made by a factory that sets a baseline of its own before it runs any task and
 * records its state when it ends. Each test runs the same steps on a plain pool, whose worker shows
 * the dirt (the control), and on a hygienic pool of each kind: a {@link HygienicThreadPoolExecutor}
 * (hooks) and a plain pool wrapped by {@link HygienicExecutors#wrap(ExecutorService, ThreadHygiene)}.
 */
class FailurePathsTest {

    private static final Object ABSENT = new Named("<no entry>");

    private static final ThreadLocal<Object> USER = new ThreadLocal<>();
    private static final InheritableThreadLocal<Object> INHERITED_USER = new InheritableThreadLocal<>();
    private static final ThreadLocal<Object> BASE = new ThreadLocal<>();
    private static final InheritableThreadLocal<Object> INHERITABLE_BASE = new InheritableThreadLocal<>();
    /** Retained: set by an earlier task, it must never be lost. */
    private static final ThreadLocal<Object> KEPT = new ThreadLocal<>();
    /** Retained: set by the failing task, it stays as the task left it. */
    private static final ThreadLocal<Object> KEPT_LATE = new ThreadLocal<>();

    private final Object kept = new Named("kept");
    private final Object keptLate = new Named("kept by the failing task");
    private final Workers workers = new Workers();
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
        for (ThreadLocal<?> local : List.of(USER, INHERITED_USER, BASE, INHERITABLE_BASE, KEPT, KEPT_LATE)) {
            local.remove();
        }
        Thread.interrupted();
    }

    /** A value that prints as its name and equals only itself. */
    private static final class Named {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** What a thread holds, read raw: no get() that would add an entry. */
    record State(String thread, Object user, Object inheritedUser, Object base, Object inheritableBase, Object kept,
            Object keptLate) {

        static State read() {
            return new State(Thread.currentThread().getName(), RawMaps.entryValue(USER, ABSENT),
                    RawMaps.entryValue(INHERITED_USER, ABSENT), RawMaps.entryValue(BASE, ABSENT),
                    RawMaps.entryValue(INHERITABLE_BASE, ABSENT), RawMaps.entryValue(KEPT, ABSENT),
                    RawMaps.entryValue(KEPT_LATE, ABSENT));
        }
    }

    /** Makes workers that set a baseline of their own first and record their state when they end. */
    private static final class Workers implements ThreadFactory {
        final List<Thread> made = Collections.synchronizedList(new ArrayList<>());
        final Map<Thread, Object[]> baselines = new ConcurrentHashMap<>();
        final Map<Thread, State> last = new ConcurrentHashMap<>();
        private final AtomicInteger number = new AtomicInteger();

        @Override
        public Thread newThread(Runnable loop) {
            Thread thread = new Thread(() -> {
                Object base = new Named("base of " + Thread.currentThread().getName());
                Object inheritableBase = new Named("inheritable base of " + Thread.currentThread().getName());
                BASE.set(base);
                INHERITABLE_BASE.set(inheritableBase);
                baselines.put(Thread.currentThread(),
                        new Object[] {base, inheritableBase, Thread.currentThread().getName()});
                try {
                    loop.run();
                } finally {
                    last.put(Thread.currentThread(), State.read());
                }
            }, "worker-" + number.incrementAndGet());
            thread.setUncaughtExceptionHandler((t, e) -> { });   // the failures are planned
            made.add(thread);
            return thread;
        }

        Thread first() {
            return made.get(0);
        }

        /** The state a clean worker has: its own name and baseline, nothing else but what is retained. */
        State clean(Thread worker, Object kept, Object keptLate) {
            Object[] baseline = baselines.get(worker);
            return new State((String) baseline[2], ABSENT, ABSENT, baseline[0], baseline[1], kept, keptLate);
        }

        /** The state a thread has after {@link #dirty}, whatever its baseline was. */
        static State dirty(Object kept, Object keptLate) {
            return new State("renamed by a task", "alice", "alice", "overwritten", ABSENT, kept, keptLate);
        }

        /** The last state of a worker that ended, once it has ended. */
        State lastStateOf(Thread worker) throws InterruptedException {
            worker.join(SECONDS.toMillis(30));
            assertFalse(worker.isAlive(), worker + " ended");
            return last.get(worker);
        }
    }

    /** What a failing task leaves: every kind of change, to both maps and to the thread. */
    private void dirty() {
        USER.set("alice");
        INHERITED_USER.set("alice");
        BASE.set("overwritten");
        INHERITABLE_BASE.remove();
        KEPT_LATE.set(keptLate);
        Thread.currentThread().setName("renamed by a task");
    }

    private ThreadHygiene hygiene(LeftoverListener listener) {
        HygienePolicy.Builder policy = HygienePolicy.builder().name("failure-paths").retain(KEPT, KEPT_LATE);
        if (listener != null) {
            policy.onLeftovers(listener);
        }
        return ThreadHygiene.of(policy.build());
    }

    /** The pools under test: a plain one for the control and the two hygienic kinds. */
    enum Kind {
        HOOKS {
            @Override
            ExecutorService make(BlockingQueue<Runnable> queue, ThreadFactory factory, RejectedExecutionHandler handler,
                    ThreadHygiene hygiene) {
                return new HygienicThreadPoolExecutor(1, 1, 0, MILLISECONDS, queue, factory, handler, hygiene);
            }
        },
        WRAPPED {
            @Override
            ExecutorService make(BlockingQueue<Runnable> queue, ThreadFactory factory, RejectedExecutionHandler handler,
                    ThreadHygiene hygiene) {
                return HygienicExecutors.wrap(PLAIN.make(queue, factory, handler, hygiene), hygiene);
            }
        },
        PLAIN {
            @Override
            ExecutorService make(BlockingQueue<Runnable> queue, ThreadFactory factory, RejectedExecutionHandler handler,
                    ThreadHygiene hygiene) {
                return new ThreadPoolExecutor(1, 1, 0, MILLISECONDS, queue, factory, handler);
            }
        };

        abstract ExecutorService make(BlockingQueue<Runnable> queue, ThreadFactory factory,
                RejectedExecutionHandler handler, ThreadHygiene hygiene);
    }

    private ExecutorService pool(Kind kind, Workers factory, ThreadHygiene hygiene) {
        return pool(kind, factory, new LinkedBlockingQueue<>(), new ThreadPoolExecutor.AbortPolicy(), hygiene);
    }

    private ExecutorService pool(Kind kind, Workers factory, BlockingQueue<Runnable> queue,
            RejectedExecutionHandler handler, ThreadHygiene hygiene) {
        ExecutorService pool = kind.make(queue, factory, handler, hygiene);
        pools.add(pool);
        return pool;
    }

    private static <T> T get(Future<T> future) throws Exception {
        return future.get(30, SECONDS);
    }

    /** The first task sets the retained KEPT: from then on it must never be lost. */
    private void keepOne(ExecutorService pool) throws Exception {
        get(pool.submit(() -> KEPT.set(kept)));
    }

    // ---------------------------------------------------------------------------------------------
    // A task that throws

    /** How the failing task ends. */
    enum Ending {
        RUNTIME_EXCEPTION(() -> {
            throw new IllegalStateException("task failed");
        }),
        ERROR(() -> {
            throw new AssertionError("task failed");
        }),
        /** Thrown by the JVM itself: no heap is exhausted, the array is past the VM's limit. */
        OUT_OF_MEMORY_ERROR(() -> {
            long[] huge = new long[Integer.MAX_VALUE];
            huge[0] = 1;
        }),
        STACK_OVERFLOW_ERROR(Ending::recurse);

        final Runnable failure;

        Ending(Runnable failure) {
            this.failure = failure;
        }

        private static void recurse() {
            recurse();
        }
    }

    private Throwable failThroughSubmit(ExecutorService pool, Ending ending) throws Exception {
        Future<?> failed = pool.submit(() -> {
            dirty();
            ending.failure.run();
        });
        return assertThrows(ExecutionException.class, () -> get(failed)).getCause();
    }

    @ParameterizedTest
    @EnumSource(Ending.class)
    void aTaskThatFailsThroughSubmitLeavesItsWorkerCleanWithItsBaselineAndRetainedEntries(Ending ending)
            throws Exception {
        Workers plainWorkers = new Workers();
        ExecutorService plain = pool(Kind.PLAIN, plainWorkers, null);
        keepOne(plain);
        failThroughSubmit(plain, ending);
        assertEquals(Workers.dirty(kept, keptLate), get(plain.submit(State::read)),
                "control: the plain worker is dirty");

        for (Kind kind : List.of(Kind.HOOKS, Kind.WRAPPED)) {
            Workers made = new Workers();
            ExecutorService pool = pool(kind, made, hygiene(null));
            keepOne(pool);
            Throwable failure = failThroughSubmit(pool, ending);
            assertFailureIs(ending, failure);
            State next = get(pool.submit(State::read));
            assertEquals(made.clean(made.first(), kept, keptLate), next,
                    kind + ": the same worker, clean, with its baseline and both retained entries");
            assertEquals(1, made.made.size(), kind + ": the worker survived");
        }
    }

    private static void assertFailureIs(Ending ending, Throwable failure) {
        switch (ending) {
            case RUNTIME_EXCEPTION:
                assertInstanceOf(IllegalStateException.class, failure);
                break;
            case ERROR:
                assertInstanceOf(AssertionError.class, failure);
                break;
            case OUT_OF_MEMORY_ERROR:
                assertInstanceOf(OutOfMemoryError.class, failure);
                break;
            default:
                assertInstanceOf(StackOverflowError.class, failure);
                break;
        }
    }

    /** Through execute, the failure ends the worker: its last state, then its replacement's. */
    private List<State> failThroughExecute(ExecutorService pool, Workers made, Ending ending) throws Exception {
        keepOne(pool);
        Thread first = made.first();
        pool.execute(() -> {
            dirty();
            ending.failure.run();
        });
        State last = made.lastStateOf(first);
        State next = get(pool.submit(State::read));
        assertEquals(2, made.made.size(), "the pool replaced the worker the failure ended");
        return List.of(last, next);
    }

    @ParameterizedTest
    @EnumSource(Ending.class)
    void aTaskThatFailsThroughExecuteEndsItsWorkerCleanAndThePoolGoesOnWithACleanOne(Ending ending) throws Exception {
        Workers plainWorkers = new Workers();
        List<State> control = failThroughExecute(pool(Kind.PLAIN, plainWorkers, null), plainWorkers, ending);
        assertEquals(Workers.dirty(kept, keptLate), control.get(0), "control: the plain worker ended dirty");

        for (Kind kind : List.of(Kind.HOOKS, Kind.WRAPPED)) {
            Workers made = new Workers();
            List<State> states = failThroughExecute(pool(kind, made, hygiene(null)), made, ending);
            assertEquals(made.clean(made.first(), kept, keptLate), states.get(0),
                    kind + ": the worker was restored before it ended");
            assertEquals(made.clean(made.made.get(1), ABSENT, ABSENT), states.get(1),
                    kind + ": its replacement is clean, with its own baseline");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Cancellation and interrupts

    /** Cancels a task with interrupt while it runs, then reads the worker in the next task. */
    private State cancelWhileRunning(ExecutorService pool) throws Exception {
        keepOne(pool);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Future<?> task = pool.submit(() -> {
            dirty();
            running.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw new IllegalStateException("interrupted");   // and leaves its dirt
            }
        });
        assertTrue(running.await(30, SECONDS));
        assertTrue(task.cancel(true));
        assertTrue(interrupted.await(30, SECONDS), "cancel(true) interrupted the running task");
        assertThrows(CancellationException.class, () -> get(task));
        return get(pool.submit(() -> {
            assertFalse(Thread.currentThread().isInterrupted(), "the next task does not start interrupted");
            return State.read();
        }));
    }

    @Test
    void aTaskCancelledWithInterruptWhileRunningLeavesItsWorkerClean() throws Exception {
        Workers plainWorkers = new Workers();
        assertEquals(Workers.dirty(kept, keptLate), cancelWhileRunning(pool(Kind.PLAIN, plainWorkers, null)),
                "control");
        for (Kind kind : List.of(Kind.HOOKS, Kind.WRAPPED)) {
            Workers made = new Workers();
            State next = cancelWhileRunning(pool(kind, made, hygiene(null)));
            assertEquals(made.clean(made.first(), kept, keptLate), next, kind.toString());
            assertEquals(1, made.made.size(), kind + ": the worker survived");
        }
    }

    private State interruptItself(ExecutorService pool) throws Exception {
        keepOne(pool);
        get(pool.submit(() -> {
            dirty();
            Thread.currentThread().interrupt();
        }));
        return get(pool.submit(() -> {
            assertFalse(Thread.currentThread().isInterrupted(), "the pool cleared the interrupt");
            return State.read();
        }));
    }

    @Test
    void aTaskThatInterruptsItselfLeavesItsWorkerClean() throws Exception {
        Workers plainWorkers = new Workers();
        assertEquals(Workers.dirty(kept, keptLate), interruptItself(pool(Kind.PLAIN, plainWorkers, null)), "control");
        for (Kind kind : List.of(Kind.HOOKS, Kind.WRAPPED)) {
            Workers made = new Workers();
            State next = interruptItself(pool(kind, made, hygiene(null)));
            assertEquals(made.clean(made.first(), kept, keptLate), next, kind.toString());
        }
    }

    /**
     * A task that shuts its own pool down with shutdownNow while another task waits in the queue;
     * returns the worker's last state. The queued task never runs and comes back as it was given.
     */
    private State shutDownOwnPool(ExecutorService pool, Workers made) throws Exception {
        keepOne(pool);
        CountDownLatch queued = new CountDownLatch(1);
        AtomicReference<List<Runnable>> dropped = new AtomicReference<>();
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        pool.execute(() -> {
            dirty();
            try {
                queued.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            dropped.set(pool.shutdownNow());
            interrupted.set(Thread.currentThread().isInterrupted());
        });
        Runnable neverRuns = () -> USER.set("the queued task ran");
        pool.execute(neverRuns);
        queued.countDown();
        assertTrue(pool.awaitTermination(30, SECONDS));
        assertEquals(List.of(neverRuns), dropped.get(), "shutdownNow returned the caller's own queued task");
        assertTrue(interrupted.get(), "shutdownNow interrupted the task's own thread");
        return made.lastStateOf(made.first());
    }

    @Test
    void aTaskThatCallsShutdownNowOnItsOwnPoolEndsItsWorkerClean() throws Exception {
        Workers plainWorkers = new Workers();
        assertEquals(Workers.dirty(kept, keptLate), shutDownOwnPool(pool(Kind.PLAIN, plainWorkers, null), plainWorkers),
                "control");
        for (Kind kind : List.of(Kind.HOOKS, Kind.WRAPPED)) {
            Workers made = new Workers();
            State last = shutDownOwnPool(pool(kind, made, hygiene(null)), made);
            assertEquals(made.clean(made.first(), kept, keptLate), last, kind.toString());
            assertEquals(1, made.made.size(), kind.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Rejection

    /** Keeps the pool's only worker busy until the test ends; returns once it is busy. */
    private void occupy(ExecutorService pool) throws InterruptedException {
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
    }

    /**
     * The test thread, with a baseline of its own, submits a failing task to a saturated
     * caller-runs pool: the task runs on the test thread and its failure reaches the caller.
     * Returns the test thread's state afterwards.
     */
    private State failInlineOnTheCaller(ExecutorService pool, Ending ending, boolean submit) throws Exception {
        occupy(pool);
        Runnable failing = () -> {
            dirty();
            ending.failure.run();
        };
        String name = Thread.currentThread().getName();
        try {
            if (submit) {
                Future<?> future = pool.submit(failing);
                assertFailureIs(ending, assertThrows(ExecutionException.class, () -> get(future)).getCause());
            } else {
                assertFailureIs(ending, assertThrows(Throwable.class, () -> pool.execute(failing)));
            }
            return State.read();
        } finally {
            Thread.currentThread().setName(name);
        }
    }

    @ParameterizedTest
    @EnumSource(Ending.class)
    void aFailingTaskThatCallerRunsRanOnTheSubmitterRestoresTheSubmittersOwnState(Ending ending) throws Exception {
        Thread caller = Thread.currentThread();
        String name = caller.getName();
        for (boolean submit : new boolean[] {false, true}) {
            Object base = new Named("the caller's base");
            Object inheritableBase = new Named("the caller's inheritable base");
            BASE.set(base);
            INHERITABLE_BASE.set(inheritableBase);
            KEPT.set(kept);
            KEPT_LATE.remove();
            USER.remove();
            INHERITED_USER.remove();
            ExecutorService plain = pool(Kind.PLAIN, new Workers(), new SynchronousQueue<>(),
                    new ThreadPoolExecutor.CallerRunsPolicy(), null);
            assertEquals(new State("renamed by a task", "alice", "alice", "overwritten", ABSENT, kept, keptLate),
                    failInlineOnTheCaller(plain, ending, submit), "control: the caller keeps the task's dirt");

            for (Kind kind : List.of(Kind.HOOKS, Kind.WRAPPED)) {
                BASE.set(base);
                INHERITABLE_BASE.set(inheritableBase);
                KEPT_LATE.remove();
                USER.remove();
                INHERITED_USER.remove();
                ExecutorService pool = pool(kind, new Workers(), new SynchronousQueue<>(),
                        new ThreadPoolExecutor.CallerRunsPolicy(), hygiene(null));
                assertEquals(new State(name, ABSENT, ABSENT, base, inheritableBase, kept, keptLate),
                        failInlineOnTheCaller(pool, ending, submit),
                        kind + (submit ? " submit" : " execute") + ": the caller's own state, exactly");
            }
        }
    }

    @Test
    void aRejectedTaskLeavesTheSubmitterAsItWasAndThePoolGoesOn() throws Exception {
        for (Kind kind : List.of(Kind.HOOKS, Kind.WRAPPED)) {
            Object base = new Named("the caller's base");
            BASE.set(base);
            USER.remove();
            Workers made = new Workers();
            ExecutorService pool = pool(kind, made, new SynchronousQueue<>(), new ThreadPoolExecutor.AbortPolicy(),
                    hygiene(null));
            CountDownLatch release = new CountDownLatch(1);
            releases.add(release);
            CountDownLatch running = new CountDownLatch(1);
            Future<State> busy = pool.submit(() -> {
                dirty();
                running.countDown();
                release.await();
                return null;
            });
            assertTrue(running.await(30, SECONDS));
            assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> USER.set("rejected")));
            assertThrows(RejectedExecutionException.class, () -> pool.submit(() -> USER.set("rejected")));
            assertSame(base, RawMaps.entryValue(BASE, ABSENT), kind + ": the caller's own entry");
            assertFalse(RawMaps.holds(USER), kind + ": nothing of the rejected task");
            release.countDown();
            get(busy);
            // The worker takes new work once its afterExecute is done: until then the hand-off is refused.
            State next = get(await().atMost(Duration.ofSeconds(30)).ignoreException(RejectedExecutionException.class)
                    .until(() -> pool.submit(State::read), Objects::nonNull));
            assertEquals(made.clean(made.first(), ABSENT, keptLate), next,
                    kind + ": the worker goes on, clean");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // A LeftoverListener that throws

    /** What the listener throws. */
    enum ListenerFailure {
        RUNTIME_EXCEPTION(() -> new IllegalStateException("listener failed")),
        ERROR(() -> new AssertionError("listener failed")),
        OUT_OF_MEMORY_ERROR(() -> new OutOfMemoryError("listener failed"));

        final Supplier<Throwable> failure;

        ListenerFailure(Supplier<Throwable> failure) {
            this.failure = failure;
        }
    }

    /** A listener that throws on its first {@code times} calls. */
    private static LeftoverListener throwing(ListenerFailure failure, AtomicInteger calls, int times) {
        return (worker, leftovers) -> {
            if (calls.incrementAndGet() > times) {
                return;
            }
            Throwable t = failure.failure.get();
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            throw (Error) t;
        };
    }

    /**
     * The listener throws after the worker was settled, for a task that leaves dirt and returns
     * normally: ignored, and the worker survives.
     */
    @ParameterizedTest
    @EnumSource(value = ListenerFailure.class, names = {"RUNTIME_EXCEPTION", "ERROR"})
    void aLeftoverListenerThatThrowsIsIgnoredAndTheWorkerSurvivesClean(ListenerFailure failure) throws Exception {
        for (Kind kind : List.of(Kind.HOOKS, Kind.WRAPPED)) {
            AtomicInteger calls = new AtomicInteger();
            Workers made = new Workers();
            ExecutorService pool = pool(kind, made, hygiene(throwing(failure, calls, Integer.MAX_VALUE)));
            keepOne(pool);
            pool.execute(this::dirty);
            State next = get(pool.submit(State::read));
            assertTrue(calls.get() >= 1, kind + ": the listener was called");
            assertEquals(made.clean(made.first(), kept, keptLate), next, kind + ": the same worker, clean");
            assertEquals(1, made.made.size(), kind + ": the worker survived");
        }
    }

    /**
     * hygiene does not swallow a VirtualMachineError from the listener, so it ends the worker; but
     * the worker was restored before the listener ran, and the pool goes on with a clean one.
     */
    @Test
    void aLeftoverListenerThatThrowsAnOutOfMemoryErrorDoesNotUndoTheRestoreAndThePoolGoesOn() throws Exception {
        for (Kind kind : List.of(Kind.HOOKS, Kind.WRAPPED)) {
            AtomicInteger calls = new AtomicInteger();
            Workers made = new Workers();
            ExecutorService pool = pool(kind, made, hygiene(throwing(ListenerFailure.OUT_OF_MEMORY_ERROR, calls, 1)));
            keepOne(pool);
            pool.execute(this::dirty);
            State next = get(pool.submit(State::read));
            assertTrue(calls.get() >= 1, kind + ": the listener threw");
            assertEquals(made.clean(made.first(), kept, keptLate), made.lastStateOf(made.first()),
                    kind + ": the worker was restored before the listener threw");
            assertEquals(made.clean(made.made.get(1), ABSENT, ABSENT), next, kind + ": its replacement is clean");
        }
    }

    /**
     * When hygiene's afterExecute throws (here a VirtualMachineError from the listener),
     * ThreadPoolExecutor calls afterExecute a second time with that error; the second call must not
     * replace the error with an IllegalStateException of its own.
     */
    @Test
    void anErrorThatEndsAWorkerInAfterExecuteReachesTheUncaughtExceptionHandlerUnchanged() throws Exception {
        AtomicReference<Throwable> died = new AtomicReference<>();
        CountDownLatch dead = new CountDownLatch(1);
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task);
            thread.setUncaughtExceptionHandler((t, e) -> {
                died.set(e);
                dead.countDown();
            });
            return thread;
        };
        AtomicInteger calls = new AtomicInteger();
        ExecutorService pool = pool(Kind.HOOKS, new Workers(), new LinkedBlockingQueue<>(),
                new ThreadPoolExecutor.AbortPolicy(), hygiene(throwing(ListenerFailure.OUT_OF_MEMORY_ERROR, calls, 1)));
        ((ThreadPoolExecutor) pool).setThreadFactory(factory);
        pool.execute(() -> USER.set("alice"));
        assertTrue(dead.await(30, SECONDS));
        assertInstanceOf(OutOfMemoryError.class, died.get(), () -> "the worker died of " + died.get());
    }

    @ParameterizedTest
    @EnumSource(ListenerFailure.class)
    void aLeftoverListenerThatThrowsForWhatANewWorkerInheritedStillLetsThePoolMakeACleanWorker(
            ListenerFailure failure) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Workers made = new Workers();
        INHERITED_USER.set("the request's user");
        ExecutorService pool = pool(Kind.HOOKS, made, hygiene(throwing(failure, calls, Integer.MAX_VALUE)));
        try {
            // The worker is made now, inside the request: it inherits, and the start-clean listener throws.
            State first = get(pool.submit(State::read));
            assertEquals(made.clean(made.first(), ABSENT, ABSENT), first);
        } catch (OutOfMemoryError e) {
            assertSame(ListenerFailure.OUT_OF_MEMORY_ERROR, failure, "only a VirtualMachineError reaches the caller");
            assertTrue(made.made.isEmpty() || !made.first().isAlive(), "no worker started");
        } finally {
            INHERITED_USER.remove();
        }
        assertEquals(1, calls.get(), "the listener heard what the new worker inherited");
        State state = get(pool.submit(State::read));
        Thread worker = made.made.get(made.made.size() - 1);
        assertEquals(made.clean(worker, ABSENT, ABSENT), state, "the pool runs tasks on a clean worker");
    }
}
