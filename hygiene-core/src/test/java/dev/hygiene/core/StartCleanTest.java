package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.testsupport.Gc;
import dev.hygiene.testsupport.RawMaps;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ThreadHygiene#startClean}: a pool thread created lazily inside a request must not carry the
 * request's {@code InheritableThreadLocal} values for its whole life. Each test creates its new
 * threads on {@link #creator}, a request thread holding two inheritable values, and the dirty
 * control shows that a plain new thread started there does see them.
 */
class StartCleanTest {

    private static final String ROW = "java.lang.InheritableThreadLocal -> java.lang.String";
    private static final Leftover INHERITED_STRING = new Leftover(Leftover.Kind.ADDED,
            "java.lang.InheritableThreadLocal", "java.lang.String", true, Leftover.THREAD_CREATION);

    private final InheritableThreadLocal<Object> user = new InheritableThreadLocal<>();
    private final InheritableThreadLocal<Object> tenant = new InheritableThreadLocal<>();
    /** A request thread holding user and tenant; it inherited nothing itself, so counts are exact. */
    private ReusedThread creator;

    @BeforeEach
    void start() {
        creator = new ReusedThread("request", false);
        creator.run(() -> {
            user.set("alice");
            tenant.set("acme");
        });
    }

    @AfterEach
    void stop() {
        creator.close();
    }

    /**
     * What a thread sees once started: the number of entries in its inheritable map (counted
     * first: {@code get()} of a missing value would add one), then user and tenant.
     */
    private FutureTask<List<Object>> probe() {
        return new FutureTask<>(() -> {
            int entries = RawMaps.entries(true);
            return Arrays.asList(entries, user.get(), tenant.get());
        });
    }

    /** A new thread made on the creator, as a thread factory called inside a request makes it. */
    private Thread newThread(Runnable task, ThreadHygiene hygiene) {
        return creator.call(() -> {
            Thread thread = new Thread(task, "pool-worker");
            thread.setDaemon(true);
            return hygiene == null ? thread : hygiene.startClean(thread);
        });
    }

    private static <T> T startAndGet(Thread thread, FutureTask<T> probe) {
        thread.start();
        try {
            return probe.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Runs a probe on a plain new thread: the dirty control, which must see the request's values. */
    private List<Object> plainThreadSees() {
        FutureTask<List<Object>> probe = probe();
        return startAndGet(newThread(probe, null), probe);
    }

    private List<Object> cleanThreadSees(ThreadHygiene hygiene) {
        FutureTask<List<Object>> probe = probe();
        return startAndGet(newThread(probe, hygiene), probe);
    }

    private static final List<Object> INHERITED = Arrays.asList(2, "alice", "acme");
    private static final List<Object> NOTHING = Arrays.asList(0, null, null);

    @Test
    void enforceRemovesEveryInheritedValue() {
        assertEquals(INHERITED, plainThreadSees(), "control: a plain new thread inherits the request's values");
        assertEquals(NOTHING, cleanThreadSees(ThreadHygiene.enforcing()));
    }

    @Test
    void enforceRemovesInheritedValuesThatThePolicyRetains() {
        // Retain rules are about what survives a task, not about what a new thread inherits.
        ThreadHygiene retaining = ThreadHygiene.of(HygienePolicy.builder().retain(user)
                .retainTypes("java.lang.InheritableThreadLocal", "java.lang.String").build());
        assertEquals(INHERITED, plainThreadSees(), "control");
        assertEquals(NOTHING, cleanThreadSees(retaining));
    }

    @Test
    void returnsTheThreadItWasGiven() {
        Thread thread = new Thread(() -> { });
        assertSame(thread, ThreadHygiene.enforcing().startClean(thread));
        assertSame(thread, ThreadHygiene.auditing().startClean(thread));
    }

    @Test
    void auditLeavesInheritedValuesAndCountsThem() {
        ThreadHygiene audit = ThreadHygiene.auditing();
        assertEquals(INHERITED, cleanThreadSees(audit));
        assertEquals(2, audit.stats().leftovers(), audit.stats().report());
        assertEquals(Map.of(ROW, 2L), audit.stats().leftoversByType());
        assertEquals(0, audit.stats().staleExpunged());
    }

    @Test
    void offLeavesInheritedValuesAndCountsNothing() {
        // OFF hears nothing: a listener cannot even be given to it (HygienePolicyBuilderTest)
        assertThrows(IllegalStateException.class, () -> HygienePolicy.builder().mode(Mode.OFF)
                .onLeftovers((worker, leftovers) -> { }).build());
        ThreadHygiene off = ThreadHygiene.of(HygienePolicy.builder().mode(Mode.OFF).build());
        assertEquals(INHERITED, cleanThreadSees(off));
        assertEquals(0, off.stats().leftovers());
        assertEquals(Map.of(), off.stats().leftoversByType());
    }

    @Test
    void policyExcludingInheritableMapLeavesInheritedValuesAndCountsNothing() {
        List<Leftover> heard = new CopyOnWriteArrayList<>();
        ThreadHygiene localsOnly = ThreadHygiene.of(HygienePolicy.builder().inheritable(false)
                .onLeftovers((worker, leftovers) -> heard.addAll(leftovers)).build());
        assertEquals(INHERITED, cleanThreadSees(localsOnly));
        assertEquals(0, localsOnly.stats().leftovers());
        assertEquals(Map.of(), localsOnly.stats().leftoversByType());
        assertEquals(List.of(), heard);
    }

    @Test
    void countsInheritedValuesAsLeftoversButNotAsTasks() {
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        cleanThreadSees(hygiene);
        cleanThreadSees(hygiene);
        HygieneStats stats = hygiene.stats();
        assertEquals(4, stats.leftovers(), stats.report());
        assertEquals(Map.of(ROW, 4L), stats.leftoversByType());
        assertEquals(0, stats.tasks(), "creating a thread runs no task");
        assertEquals(0, stats.tasksWithLeftovers());
        assertEquals(0, stats.staleExpunged());
    }

    @Test
    void listenerHearsThreadCreationLeftoversWithTheNewThread() {
        for (Mode mode : new Mode[] {Mode.ENFORCE, Mode.AUDIT}) {
            List<Object> workers = new CopyOnWriteArrayList<>();
            List<Leftover> heard = new CopyOnWriteArrayList<>();
            ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().mode(mode)
                    .onLeftovers((worker, leftovers) -> {
                        workers.add(worker);
                        heard.addAll(leftovers);
                    }).build());
            Thread thread = newThread(() -> { }, hygiene);
            assertEquals(List.of(thread), workers, mode + ": called once, with the new thread as the worker");
            assertEquals(List.of(INHERITED_STRING, INHERITED_STRING), heard, mode.toString());
        }
    }

    @Test
    void listenerIsNotCalledForAThreadThatInheritedNothing() {
        List<Leftover> heard = new CopyOnWriteArrayList<>();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder()
                .onLeftovers((worker, leftovers) -> heard.addAll(leftovers)).build());
        Thread bare = creator.call(() -> new Thread(null, () -> { }, "bare", 0L, false));
        hygiene.startClean(bare);
        assertEquals(List.of(), heard);
        assertEquals(0, hygiene.stats().leftovers());
    }

    /**
     * A new thread whose copy of a third inheritable value went stale before startClean: the
     * request dropped that {@code InheritableThreadLocal} and the GC collected it.
     */
    private Thread newThreadWithStaleInheritedEntry(Runnable task, ThreadHygiene hygiene) {
        AtomicReference<WeakReference<Object>> key = new AtomicReference<>();
        Thread thread = creator.call(() -> {
            InheritableThreadLocal<Object> dropped = new InheritableThreadLocal<>();
            dropped.set(new StringBuilder("request buffer"));
            key.set(new WeakReference<>(dropped));
            Thread t = new Thread(task, "pool-worker");
            t.setDaemon(true);
            dropped.remove();
            return t;
        });
        Gc.awaitCleared(key.get());
        return hygiene == null ? thread : creator.call(() -> hygiene.startClean(thread));
    }

    @Test
    void enforceExpungesInheritedEntryWhoseLocalWasCollected() {
        FutureTask<Integer> staleOnPlain = new FutureTask<>(() -> RawMaps.staleValues(true).size());
        assertEquals(1, startAndGet(newThreadWithStaleInheritedEntry(staleOnPlain, null), staleOnPlain),
                "control: the plain thread starts with the stale entry and its value");

        List<Leftover> heard = new CopyOnWriteArrayList<>();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder()
                .onLeftovers((worker, leftovers) -> heard.addAll(leftovers)).build());
        FutureTask<Integer> entries = new FutureTask<>(() -> RawMaps.entries(true));
        assertEquals(0, startAndGet(newThreadWithStaleInheritedEntry(entries, hygiene), entries));
        assertEquals(1, hygiene.stats().staleExpunged(), hygiene.stats().report());
        assertEquals(3, hygiene.stats().leftovers(), hygiene.stats().report());
        assertEquals(1L, hygiene.stats().leftoversByType().get(Leftover.COLLECTED + " -> java.lang.StringBuilder"),
                hygiene.stats().report());
        assertTrue(heard.contains(new Leftover(Leftover.Kind.STALE, Leftover.COLLECTED, "java.lang.StringBuilder",
                true, Leftover.THREAD_CREATION)), heard.toString());
        assertEquals(3, heard.size(), heard.toString());
    }

    @Test
    void auditCountsInheritedEntryWhoseLocalWasCollectedButExpungesNothing() {
        ThreadHygiene audit = ThreadHygiene.auditing();
        FutureTask<Integer> stale = new FutureTask<>(() -> RawMaps.staleValues(true).size());
        assertEquals(1, startAndGet(newThreadWithStaleInheritedEntry(stale, audit), stale));
        assertEquals(0, audit.stats().staleExpunged(), audit.stats().report());
        assertEquals(3, audit.stats().leftovers(), audit.stats().report());
    }

    @Test
    void rejectsAThreadAlreadyStartedAndLeavesItAlone() throws Exception {
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        CountDownLatch go = new CountDownLatch(1);
        FutureTask<List<Object>> probe = new FutureTask<>(() -> {
            go.await();
            int entries = RawMaps.entries(true);
            return Arrays.asList(entries, user.get(), tenant.get());
        });
        Thread running = newThread(probe, null);
        running.start();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> hygiene.startClean(running));
        assertTrue(e.getMessage().contains("already started"), e.getMessage());
        go.countDown();
        assertEquals(INHERITED, probe.get(60, TimeUnit.SECONDS), "the running thread's map was not touched");
        assertEquals(0, hygiene.stats().leftovers());

        running.join(60_000);
        assertEquals(Thread.State.TERMINATED, running.getState());
        e = assertThrows(IllegalArgumentException.class, () -> hygiene.startClean(running));
        assertTrue(e.getMessage().contains("already started"), e.getMessage());
    }

    @Test
    void rejectsNull() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> ThreadHygiene.enforcing().startClean(null));
        assertEquals("thread", e.getMessage());
    }

    /** An inheritable value of which each new thread gets its own copy, so only that thread pins it. */
    private static final class PerThreadBuffer extends InheritableThreadLocal<Object> {
        final AtomicReference<WeakReference<Object>> lastCopy = new AtomicReference<>();

        @Override
        protected Object childValue(Object parentValue) {
            Object copy = new byte[1 << 20];
            lastCopy.set(new WeakReference<>(copy));
            return copy;
        }
    }

    @Test
    void releasesValueThatANewThreadInheritedWhileTheCreatorStillHoldsItsOwn() {
        PerThreadBuffer buffer = new PerThreadBuffer();
        Object creatorsBuffer = creator.call(() -> {
            Object own = new byte[16];
            buffer.set(own);
            return own;
        });

        Thread plainThread = newThread(() -> { }, null);
        WeakReference<Object> plainCopy = buffer.lastCopy.get();
        Gc.collect();
        assertFalse(plainCopy.refersTo(null), "control: an unstarted plain thread pins its inherited copy");

        Thread cleanThread = newThread(() -> { }, ThreadHygiene.enforcing());
        WeakReference<Object> cleanCopy = buffer.lastCopy.get();
        Gc.awaitCleared(cleanCopy);

        assertSame(creatorsBuffer, creator.call(buffer::get), "the creator keeps its own value");
        Reference.reachabilityFence(plainThread);
        Reference.reachabilityFence(cleanThread);
        Reference.reachabilityFence(buffer);
    }


    @Test
    void aCleanThreadStillPassesItsOwnValuesToItsChildren() {
        // Starting clean is about what the pool thread got from its creator, not a ban on inheritance.
        FutureTask<Object> grandchildSees = new FutureTask<>(() -> user.get());
        FutureTask<Object> child = new FutureTask<>(() -> {
            user.set("set by the pool thread");
            Thread grandchild = new Thread(grandchildSees);
            grandchild.start();
            return grandchildSees.get(60, TimeUnit.SECONDS);
        });
        assertEquals("set by the pool thread", startAndGet(newThread(child, ThreadHygiene.enforcing()), child));
    }
}
