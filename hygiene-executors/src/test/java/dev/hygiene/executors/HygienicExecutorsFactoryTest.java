package dev.hygiene.executors;

import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.HygienicThread;
import dev.hygiene.core.Leftover;
import dev.hygiene.core.Mode;
import dev.hygiene.core.ThreadHygiene;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link HygienicExecutors} factories make the pools that {@link Executors} makes (sizes,
 * queues, keep-alive, threads), but hygienic, with workers that start clean; the thread-factory
 * decorator and {@code wrap} add no second layer for the same hygiene.
 */
class HygienicExecutorsFactoryTest {

    private static final ThreadLocal<String> USER = new ThreadLocal<>();
    private static final InheritableThreadLocal<String> INHERITED = new InheritableThreadLocal<>();

    private final ThreadHygiene hygiene = ThreadHygiene.enforcing();
    private final List<ExecutorService> pools = new ArrayList<>();

    @AfterEach
    void shutDownPools() throws InterruptedException {
        for (ExecutorService pool : pools) {
            pool.shutdownNow();
        }
        for (ExecutorService pool : pools) {
            assertTrue(pool.awaitTermination(30, SECONDS), pool + " did not terminate");
        }
        USER.remove();
        INHERITED.remove();
    }

    private <E extends ExecutorService> E track(E pool) {
        pools.add(pool);
        return pool;
    }

    private static <T> T get(java.util.concurrent.Future<T> future) throws Exception {
        return future.get(30, SECONDS);
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return task -> new Thread(task, prefix + "-" + number.incrementAndGet());
    }

    /** What java.util.concurrent.Executors makes for each factory: the reference the factories must match. */
    enum Kind {
        FIXED {
            @Override
            ExecutorService jdk(int n, ThreadFactory f) {
                return f == null ? Executors.newFixedThreadPool(n) : Executors.newFixedThreadPool(n, f);
            }
        },
        CACHED {
            @Override
            ExecutorService jdk(int n, ThreadFactory f) {
                return f == null ? Executors.newCachedThreadPool() : Executors.newCachedThreadPool(f);
            }
        },
        SINGLE {
            @Override
            ExecutorService jdk(int n, ThreadFactory f) {
                return f == null ? Executors.newSingleThreadExecutor() : Executors.newSingleThreadExecutor(f);
            }
        },
        SCHEDULED {
            @Override
            ExecutorService jdk(int n, ThreadFactory f) {
                return f == null ? Executors.newScheduledThreadPool(n) : Executors.newScheduledThreadPool(n, f);
            }
        },
        SINGLE_SCHEDULED {
            @Override
            ExecutorService jdk(int n, ThreadFactory f) {
                return f == null ? Executors.newSingleThreadScheduledExecutor()
                        : Executors.newSingleThreadScheduledExecutor(f);
            }
        };

        abstract ExecutorService jdk(int n, ThreadFactory factory);
    }

    /** Every factory overload of HygienicExecutors. */
    enum Factory {
        FIXED(Kind.FIXED, false, false) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newFixedThreadPool(n);
            }
        },
        FIXED_HYGIENE(Kind.FIXED, false, true) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newFixedThreadPool(n, h);
            }
        },
        FIXED_FACTORY(Kind.FIXED, true, false) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newFixedThreadPool(n, f);
            }
        },
        FIXED_FACTORY_HYGIENE(Kind.FIXED, true, true) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newFixedThreadPool(n, f, h);
            }
        },
        CACHED(Kind.CACHED, false, false) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newCachedThreadPool();
            }
        },
        CACHED_HYGIENE(Kind.CACHED, false, true) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newCachedThreadPool(h);
            }
        },
        CACHED_FACTORY(Kind.CACHED, true, false) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newCachedThreadPool(f);
            }
        },
        CACHED_FACTORY_HYGIENE(Kind.CACHED, true, true) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newCachedThreadPool(f, h);
            }
        },
        SINGLE(Kind.SINGLE, false, false) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newSingleThreadExecutor();
            }
        },
        SINGLE_HYGIENE(Kind.SINGLE, false, true) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newSingleThreadExecutor(h);
            }
        },
        SINGLE_FACTORY(Kind.SINGLE, true, false) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newSingleThreadExecutor(f);
            }
        },
        SINGLE_FACTORY_HYGIENE(Kind.SINGLE, true, true) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newSingleThreadExecutor(f, h);
            }
        },
        SCHEDULED(Kind.SCHEDULED, false, false) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newScheduledThreadPool(n);
            }
        },
        SCHEDULED_HYGIENE(Kind.SCHEDULED, false, true) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newScheduledThreadPool(n, h);
            }
        },
        SCHEDULED_FACTORY(Kind.SCHEDULED, true, false) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newScheduledThreadPool(n, f);
            }
        },
        SCHEDULED_FACTORY_HYGIENE(Kind.SCHEDULED, true, true) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newScheduledThreadPool(n, f, h);
            }
        },
        SINGLE_SCHEDULED(Kind.SINGLE_SCHEDULED, false, false) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newSingleThreadScheduledExecutor();
            }
        },
        SINGLE_SCHEDULED_HYGIENE(Kind.SINGLE_SCHEDULED, false, true) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newSingleThreadScheduledExecutor(h);
            }
        },
        SINGLE_SCHEDULED_FACTORY(Kind.SINGLE_SCHEDULED, true, false) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newSingleThreadScheduledExecutor(f);
            }
        },
        SINGLE_SCHEDULED_FACTORY_HYGIENE(Kind.SINGLE_SCHEDULED, true, true) {
            @Override
            ExecutorService make(int n, ThreadFactory f, ThreadHygiene h) {
                return HygienicExecutors.newSingleThreadScheduledExecutor(f, h);
            }
        };

        final Kind kind;
        final boolean takesFactory;
        final boolean takesHygiene;

        Factory(Kind kind, boolean takesFactory, boolean takesHygiene) {
            this.kind = kind;
            this.takesFactory = takesFactory;
            this.takesHygiene = takesHygiene;
        }

        /** Calls the overload; {@code n} where it takes a size, {@code f} and {@code h} where it takes them. */
        abstract ExecutorService make(int n, ThreadFactory f, ThreadHygiene h);

        ExecutorService jdk(int n, ThreadFactory f) {
            return kind.jdk(n, takesFactory ? f : null);
        }

        /** The hygiene the overload should have used. */
        ThreadHygiene expectedHygiene(ThreadHygiene given) {
            return takesHygiene ? given : ThreadHygiene.defaults();
        }
    }

    /** The hygiene a factory's executor applies to each task. */
    private static ThreadHygiene hygieneOf(ExecutorService executor) {
        if (executor instanceof HygienicThreadPoolExecutor) {
            return ((HygienicThreadPoolExecutor) executor).hygiene();
        }
        if (executor instanceof HygienicScheduledThreadPoolExecutor) {
            return ((HygienicScheduledThreadPoolExecutor) executor).hygiene();
        }
        return ((DelegatedExecutorService) executor).hygiene;
    }

    // ---------------------------------------------------------------------------------------------
    // What each factory makes

    @ParameterizedTest
    @EnumSource(Factory.class)
    void eachFactoryMakesThePoolThatExecutorsMakesWithTheExpectedHygiene(Factory factory) {
        ExecutorService pool = track(factory.make(3, named("given"), hygiene));
        ExecutorService jdk = track(factory.jdk(3, named("jdk")));
        assertSame(factory.expectedHygiene(hygiene), hygieneOf(pool));
        switch (factory.kind) {
            case FIXED: {
                HygienicThreadPoolExecutor tpe = assertInstanceOf(HygienicThreadPoolExecutor.class, pool);
                assertFalse(tpe instanceof ScheduledExecutorService);
                assertEquals(3, tpe.getCorePoolSize());
                assertEquals(3, tpe.getMaximumPoolSize());
                assertEquals(0L, tpe.getKeepAliveTime(NANOSECONDS));
                assertInstanceOf(LinkedBlockingQueue.class, tpe.getQueue());
                assertEquals(Integer.MAX_VALUE, tpe.getQueue().remainingCapacity(), "unbounded");
                assertSameConfiguration((ThreadPoolExecutor) jdk, tpe);
                break;
            }
            case CACHED: {
                HygienicThreadPoolExecutor tpe = assertInstanceOf(HygienicThreadPoolExecutor.class, pool);
                assertEquals(0, tpe.getCorePoolSize());
                assertEquals(Integer.MAX_VALUE, tpe.getMaximumPoolSize());
                assertEquals(60L, tpe.getKeepAliveTime(SECONDS));
                assertInstanceOf(SynchronousQueue.class, tpe.getQueue());
                assertSameConfiguration((ThreadPoolExecutor) jdk, tpe);
                break;
            }
            case SCHEDULED: {
                HygienicScheduledThreadPoolExecutor stpe =
                        assertInstanceOf(HygienicScheduledThreadPoolExecutor.class, pool);
                assertEquals(3, stpe.getCorePoolSize());
                ScheduledThreadPoolExecutor reference = (ScheduledThreadPoolExecutor) jdk;
                assertSameConfiguration(reference, stpe);
                assertEquals(reference.getContinueExistingPeriodicTasksAfterShutdownPolicy(),
                        stpe.getContinueExistingPeriodicTasksAfterShutdownPolicy());
                assertEquals(reference.getExecuteExistingDelayedTasksAfterShutdownPolicy(),
                        stpe.getExecuteExistingDelayedTasksAfterShutdownPolicy());
                assertEquals(reference.getRemoveOnCancelPolicy(), stpe.getRemoveOnCancelPolicy());
                break;
            }
            case SINGLE:
                assertFalse(pool instanceof ThreadPoolExecutor, "cannot be cast and reconfigured");
                assertFalse(pool instanceof ScheduledExecutorService);
                assertFalse(jdk instanceof ThreadPoolExecutor, "control: nor can the JDK's");
                break;
            case SINGLE_SCHEDULED:
                assertInstanceOf(ScheduledExecutorService.class, pool);
                assertFalse(pool instanceof ThreadPoolExecutor, "cannot be cast and reconfigured");
                assertFalse(jdk instanceof ThreadPoolExecutor, "control: nor can the JDK's");
                break;
            default:
                throw new AssertionError(factory.kind);
        }
    }

    private static void assertSameConfiguration(ThreadPoolExecutor expected, ThreadPoolExecutor actual) {
        assertEquals(expected.getCorePoolSize(), actual.getCorePoolSize(), "corePoolSize");
        assertEquals(expected.getMaximumPoolSize(), actual.getMaximumPoolSize(), "maximumPoolSize");
        assertEquals(expected.getKeepAliveTime(NANOSECONDS), actual.getKeepAliveTime(NANOSECONDS), "keepAliveTime");
        assertEquals(expected.allowsCoreThreadTimeOut(), actual.allowsCoreThreadTimeOut(), "allowCoreThreadTimeOut");
        assertSame(expected.getQueue().getClass(), actual.getQueue().getClass(), "queue type");
        assertEquals(expected.getQueue().remainingCapacity(), actual.getQueue().remainingCapacity(), "queue capacity");
        assertSame(expected.getRejectedExecutionHandler().getClass(), actual.getRejectedExecutionHandler().getClass(),
                "rejection policy");
        assertEquals(expected.getPoolSize(), actual.getPoolSize(), "no thread prestarted");
    }

    /**
     * Submits the pool's first task from a fresh daemon thread of maximum priority that holds an
     * inheritable value, so the worker is created there; returns the worker's name, daemon flag,
     * priority and what it inherited.
     */
    private static List<Object> firstWorkerMadeByARequestThread(ExecutorService pool) throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread request = new Thread(() -> {
            INHERITED.set("request-42");
            try {
                result.set(get(pool.submit(() -> {
                    Thread worker = Thread.currentThread();
                    return Arrays.asList(worker.getName(), worker.isDaemon(), worker.getPriority(), INHERITED.get());
                })));
            } catch (Exception e) {
                result.set(e);
            } finally {
                INHERITED.remove();
            }
        }, "request");
        request.setDaemon(true);
        request.setPriority(Thread.MAX_PRIORITY);
        request.start();
        request.join(30_000);
        assertFalse(request.isAlive());
        if (result.get() instanceof Exception) {
            throw (Exception) result.get();
        }
        @SuppressWarnings("unchecked")
        List<Object> seen = (List<Object>) result.get();
        return seen;
    }

    /** A task leaks; returns what the next task on the same single worker saw. */
    private static String leakThenProbe(ExecutorService pool) throws Exception {
        get(pool.submit(() -> USER.set("alice")));
        return get(pool.submit(USER::get));
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void eachFactorysWorkersStartCleanNonDaemonAtNormalPriority(Factory factory) throws Exception {
        ExecutorService jdk = track(factory.jdk(1, named("given")));
        List<Object> jdkWorker = firstWorkerMadeByARequestThread(jdk);
        assertEquals("request-42", jdkWorker.get(3), "control: the JDK's worker inherits the request's value");

        ExecutorService pool = track(factory.make(1, named("given"), hygiene));
        List<Object> worker = firstWorkerMadeByARequestThread(pool);
        assertNull(worker.get(3), "the worker did not inherit the request's value");
        if (factory.takesFactory) {
            assertEquals("given-1", worker.get(0), "the given factory made the worker");
        } else {
            assertTrue(((String) worker.get(0)).matches("hygienic-pool-\\d+-thread-1"), (String) worker.get(0));
            assertEquals(List.of(false, Thread.NORM_PRIORITY), worker.subList(1, 3),
                    "non-daemon, normal priority, although made by a daemon thread of maximum priority");
            assertEquals(jdkWorker.subList(1, 3), worker.subList(1, 3), "as the JDK's default threads");
        }
        if (factory.kind != Kind.CACHED) {
            // A cached pool may run the probe on a second thread, so only pools of one worker show the leak.
            assertEquals("alice", leakThenProbe(jdk), "control: the JDK's pool leaks");
            assertNull(leakThenProbe(pool));
        }
    }

    @Test
    void threadsAreNamedAfterTheirPoolAndTheirNumberInIt() throws Exception {
        ExecutorService first = track(HygienicExecutors.newFixedThreadPool(2, hygiene));
        ExecutorService second = track(HygienicExecutors.newFixedThreadPool(2, hygiene));
        List<String> firstNames = namesOfBothWorkers(first);
        List<String> secondNames = namesOfBothWorkers(second);
        String pool = "hygienic-pool-(\\d+)-thread-";
        for (List<String> names : List.of(firstNames, secondNames)) {
            assertTrue(names.get(0).matches(pool + "1"), names.toString());
            assertTrue(names.get(1).matches(pool + "2"), names.toString());
            assertEquals(names.get(0).replaceAll(pool + "\\d+", "$1"), names.get(1).replaceAll(pool + "\\d+", "$1"),
                    "both threads of a pool carry its number");
        }
        assertNotEquals(firstNames.get(0).replaceAll(pool + "\\d+", "$1"),
                secondNames.get(0).replaceAll(pool + "\\d+", "$1"), "each pool has its own number");
        assertInstanceOf(HygienicThread.class, HygienicExecutors.defaultThreadFactory(hygiene).newThread(() -> { }));
    }

    /** Runs two tasks at once, so both workers exist; returns their names in order of creation. */
    private static List<String> namesOfBothWorkers(ExecutorService pool) throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        Callable<String> name = () -> {
            both.countDown();
            assertTrue(both.await(30, SECONDS));
            return Thread.currentThread().getName();
        };
        List<String> names = new ArrayList<>();
        for (java.util.concurrent.Future<String> future : pool.invokeAll(List.of(name, name))) {
            names.add(get(future));
        }
        Collections.sort(names);
        return names;
    }

    // ---------------------------------------------------------------------------------------------
    // Auditing pools and inherited values

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anAuditingPoolCountsWhatAWorkerInheritedAndLeavesIt(boolean givenFactory) throws Exception {
        ThreadHygiene auditing = ThreadHygiene.auditing();
        ExecutorService pool = track(givenFactory ? HygienicExecutors.newFixedThreadPool(1, named("given"), auditing)
                : HygienicExecutors.newFixedThreadPool(1, auditing));
        assertEquals("request-42", firstWorkerMadeByARequestThread(pool).get(3), "audit leaves the value");
        assertEquals(1L, auditing.stats().leftoversByType().get("java.lang.InheritableThreadLocal -> java.lang.String"),
                auditing.stats().report());

        ExecutorService enforcing = track(givenFactory
                ? HygienicExecutors.newFixedThreadPool(1, named("given"), hygiene)
                : HygienicExecutors.newFixedThreadPool(1, hygiene));
        assertNull(firstWorkerMadeByARequestThread(enforcing).get(3), "control: enforce removes it");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theListenerOfAnAuditingPoolHearsOfInheritedValuesAsLeftoversOfThreadCreation(boolean givenFactory)
            throws Exception {
        List<Leftover> heard = Collections.synchronizedList(new ArrayList<>());
        List<Thread> workers = Collections.synchronizedList(new ArrayList<>());
        ThreadHygiene auditing = ThreadHygiene.of(HygienePolicy.builder().mode(Mode.AUDIT).onLeftovers(
                (worker, leftovers) -> {
                    workers.add(worker);
                    heard.addAll(leftovers);
                }).build());
        ExecutorService pool = track(givenFactory ? HygienicExecutors.newFixedThreadPool(1, named("given"), auditing)
                : HygienicExecutors.newFixedThreadPool(1, auditing));
        firstWorkerMadeByARequestThread(pool);
        Leftover inherited = new Leftover(Leftover.Kind.ADDED, "java.lang.InheritableThreadLocal",
                "java.lang.String", true, Leftover.THREAD_CREATION);
        assertTrue(heard.contains(inherited), heard.toString());
        assertEquals("<thread creation>", inherited.taskType());
        Thread worker = get(pool.submit(Thread::currentThread));
        assertSame(worker, workers.get(0), "the listener was told the new worker");
    }

    // ---------------------------------------------------------------------------------------------
    // Arguments

    @Test
    void aFixedPoolOfNoThreadsIsRejectedWithAMessageNamingNThreads() {
        assertThrows(IllegalArgumentException.class, () -> Executors.newFixedThreadPool(0),
                "control: Executors rejects it too");
        ThreadFactory factory = Thread::new;
        List<Executable> fixedOfZero = List.of(() -> HygienicExecutors.newFixedThreadPool(0),
                () -> HygienicExecutors.newFixedThreadPool(0, hygiene),
                () -> HygienicExecutors.newFixedThreadPool(0, factory),
                () -> HygienicExecutors.newFixedThreadPool(0, factory, hygiene));
        for (Executable make : fixedOfZero) {
            assertEquals("nThreads must be 1 or more, was 0",
                    assertThrows(IllegalArgumentException.class, make).getMessage());
        }
        assertEquals("nThreads must be 1 or more, was -3", assertThrows(IllegalArgumentException.class,
                () -> HygienicExecutors.newFixedThreadPool(-3, hygiene)).getMessage());
        assertEquals("corePoolSize must be 0 or more, was -1", assertThrows(IllegalArgumentException.class,
                () -> HygienicExecutors.newScheduledThreadPool(-1, hygiene)).getMessage());
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void nullArgumentsAreRejectedByName(Factory factory) {
        ThreadFactory given = Thread::new;
        if (factory.takesFactory) {
            assertEquals("threadFactory", assertThrows(NullPointerException.class,
                    () -> track(factory.make(1, null, hygiene))).getMessage());
        }
        if (factory.takesHygiene) {
            assertEquals("hygiene", assertThrows(NullPointerException.class,
                    () -> track(factory.make(1, given, null))).getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Single-thread executors that become unreachable

    /** Makes a single-thread executor, runs one task, and returns only its worker; the executor is dropped. */
    private static Thread workerOfAForgottenExecutor(Factory factory, ThreadHygiene hygiene) throws Exception {
        ExecutorService forgotten = factory.make(1, Thread::new, hygiene);
        return get(forgotten.submit(Thread::currentThread));
    }

    @ParameterizedTest
    @EnumSource(value = Factory.class,
            names = {"SINGLE", "SINGLE_HYGIENE", "SINGLE_FACTORY", "SINGLE_FACTORY_HYGIENE"})
    void aSingleThreadExecutorThatBecameUnreachableShutsItsPoolDown(Factory factory) throws Exception {
        ExecutorService kept = track(factory.make(1, Thread::new, hygiene));
        Thread keptWorker = get(kept.submit(Thread::currentThread));
        Thread worker = workerOfAForgottenExecutor(factory, hygiene);
        assertTrue(worker.isAlive());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return !worker.isAlive();
        });
        assertTrue(keptWorker.isAlive(), "control: the worker of an executor still referenced lives on");
        Reference.reachabilityFence(kept);
    }

    // ---------------------------------------------------------------------------------------------
    // threadFactory(delegate, hygiene)

    /** Makes a thread with the factory while the test thread holds an inheritable value; returns what it inherited. */
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
    void theThreadFactoryDecoratorMakesThreadsThatStartClean() throws Exception {
        AtomicInteger made = new AtomicInteger();
        ThreadFactory delegate = task -> {
            made.incrementAndGet();
            return new Thread(task, "delegate");
        };
        assertEquals("request-42", inheritedByThreadOf(delegate), "control: the delegate's threads inherit");
        ThreadFactory decorated = HygienicExecutors.threadFactory(delegate, hygiene);
        assertNull(inheritedByThreadOf(decorated));
        assertEquals(2, made.get(), "the delegate made the thread");
        assertEquals(1L, hygiene.stats().leftovers(), "the inherited value was counted as it was removed");
        assertNull(HygienicExecutors.threadFactory(task -> null, hygiene).newThread(() -> { }),
                "a delegate that makes no thread gets none");
    }

    @Test
    void theThreadFactoryDecoratorAddsNoSecondLayerForTheSameHygiene() throws Exception {
        ThreadFactory delegate = Thread::new;
        ThreadFactory decorated = HygienicExecutors.threadFactory(delegate, hygiene);
        assertNotSame(delegate, decorated);
        assertSame(decorated, HygienicExecutors.threadFactory(decorated, hygiene));
        ThreadFactory defaults = HygienicExecutors.defaultThreadFactory(hygiene);
        assertSame(defaults, HygienicExecutors.threadFactory(defaults, hygiene));

        ThreadHygiene other = ThreadHygiene.auditing();
        ThreadFactory twice = HygienicExecutors.threadFactory(decorated, other);
        assertNotSame(decorated, twice, "another hygiene decorates again");
        assertNotSame(defaults, HygienicExecutors.threadFactory(defaults, other));
        assertNull(inheritedByThreadOf(twice));
        assertEquals(1L, hygiene.stats().leftovers(), "the inner decorator removed the inherited value");
        assertEquals(0L, other.stats().leftovers(), "so the outer one found nothing");
    }

    /**
     * Fails at present: for an enforcing hygiene whose policy leaves inheritable values alone
     * ({@code inheritable(false)}), {@code defaultThreadFactory} builds threads that inherit nothing
     * (it decides by the mode alone), while {@code threadFactory(delegate, hygiene)} leaves what its
     * threads inherited ({@code startClean} does nothing when the policy excludes the inheritable
     * map). So {@code newFixedThreadPool(n, hygiene)} and {@code newFixedThreadPool(n, factory,
     * hygiene)} start their workers differently for the same hygiene. Whichever is meant, the two
     * hygienic factories of one hygiene should agree.
     */
    @Test
    void bothHygienicThreadFactoriesOfOneHygieneTreatInheritedValuesAlike() throws Exception {
        ThreadHygiene leavesInheritables = ThreadHygiene.of(HygienePolicy.builder().inheritable(false).build());
        String byDefaultFactory = inheritedByThreadOf(HygienicExecutors.defaultThreadFactory(leavesInheritables));
        String byDecoratedFactory = inheritedByThreadOf(HygienicExecutors.threadFactory(Thread::new,
                leavesInheritables));
        assertEquals(byDecoratedFactory, byDefaultFactory,
                "a thread of defaultThreadFactory inherited " + byDefaultFactory
                        + ", a thread of threadFactory(delegate, hygiene) inherited " + byDecoratedFactory);
    }

    @Test
    void theThreadFactoryDecoratorRejectsNullsByName() {
        assertEquals("delegate", assertThrows(NullPointerException.class,
                () -> HygienicExecutors.threadFactory(null, hygiene)).getMessage());
        assertEquals("hygiene", assertThrows(NullPointerException.class,
                () -> HygienicExecutors.threadFactory(Thread::new, null)).getMessage());
        assertEquals("hygiene", assertThrows(NullPointerException.class,
                () -> HygienicExecutors.defaultThreadFactory(null)).getMessage());
    }

    // ---------------------------------------------------------------------------------------------
    // wrap()

    @ParameterizedTest
    @EnumSource(value = Factory.class, names = ".*_HYGIENE", mode = EnumSource.Mode.MATCH_ANY)
    void wrappingAHygienicPoolWithItsOwnHygieneReturnsIt(Factory factory) {
        ExecutorService pool = track(factory.make(1, Thread::new, hygiene));
        assertSame(pool, HygienicExecutors.wrap(pool, hygiene));
        assertSame(pool, HygienicExecutors.wrap((Executor) pool, hygiene));
        if (pool instanceof ScheduledExecutorService) {
            assertSame(pool, HygienicExecutors.wrap((ScheduledExecutorService) pool, hygiene));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Factory.class, names = ".*_HYGIENE", mode = EnumSource.Mode.MATCH_ANY)
    void wrappingAHygienicPoolWithAnotherHygieneNestsItsScopeInsideThePools(Factory factory) throws Exception {
        ExecutorService pool = track(factory.make(1, Thread::new, hygiene));
        ThreadHygiene outer = ThreadHygiene.enforcing();
        ExecutorService wrapped = HygienicExecutors.wrap(pool, outer);
        assertNotSame(pool, wrapped);
        assertInstanceOf(HygienicExecutorService.class, wrapped);
        assertEquals(pool instanceof ScheduledExecutorService, wrapped instanceof ScheduledExecutorService);
        assertSame(wrapped, HygienicExecutors.wrap(wrapped, outer), "and that wrapper is not wrapped again");

        get(wrapped.submit(() -> USER.set("alice")));
        assertNull(get(wrapped.submit(USER::get)));
        // Both scopes ran; the task's own (the wrapper's) is the inner one, so it found and undid the
        // leak, and the pool's scope around it saw the worker as it had left it. (The javadoc of
        // HygienicExecutors.wrap(Executor, ThreadHygiene) says the opposite, "the wrapper's outside,
        // the pool's inside"; a pool's beforeExecute necessarily opens its scope before the task runs.)
        await().atMost(Duration.ofSeconds(30)).until(() -> hygiene.stats().tasks() == 2);
        assertEquals(2L, outer.stats().tasks());
        assertEquals(1L, outer.stats().leftoversByType().get("java.lang.ThreadLocal -> java.lang.String"),
                outer.stats().report());
        assertEquals(0L, hygiene.stats().leftovers(), hygiene.stats().report());
    }

    @Test
    void wrappingAVirtualThreadPerTaskExecutorReturnsIt() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21");
        ExecutorService virtual = track(
                (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null));
        assertSame(virtual, HygienicExecutors.wrap(virtual, hygiene));
        assertSame(virtual, HygienicExecutors.wrap((Executor) virtual, hygiene));
        ExecutorService platform = track((ExecutorService) Executors.class
                .getMethod("newThreadPerTaskExecutor", ThreadFactory.class).invoke(null, (ThreadFactory) Thread::new));
        assertSame(platform, HygienicExecutors.wrap(platform, hygiene), "a new platform thread per task too");
        assertNotSame(platform, HygienicExecutors.wrap(track(Executors.newFixedThreadPool(1)), hygiene),
                "control: a pool that reuses threads is wrapped");
    }
}
