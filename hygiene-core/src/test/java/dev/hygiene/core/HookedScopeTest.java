package dev.hygiene.core;

import dev.hygiene.core.internal.TestAccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.testsupport.RawMaps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ThreadHygiene#beforeTask} and {@link ThreadHygiene#afterTask}, the pair for executors that
 * hook around each task ({@code ThreadPoolExecutor.beforeExecute} and {@code afterExecute}): they
 * restore exactly as {@code enter} and {@code close} do, and {@code afterTask} also closes what a
 * task left open. Each "restores" test shows the dirt on a plain reused thread first.
 */
class HookedScopeTest extends DirtyControlTest {

    /** A named task type, so attribution can be checked. */
    static final class Handler implements Runnable {
        private final Runnable body;

        Handler(Runnable body) {
            this.body = body;
        }

        @Override
        public void run() {
            body.run();
        }
    }

    private final ThreadLocal<Object> local = new ThreadLocal<>();
    private final ThreadLocal<Object> other = new ThreadLocal<>();
    private final InheritableThreadLocal<Object> inheritable = new InheritableThreadLocal<>();
    private ThreadHygiene hygiene;

    @BeforeEach
    void start() {
        hygiene = ThreadHygiene.of(HygienePolicy.builder().name("hooked-a").build());
    }

    /** What {@code ThreadPoolExecutor.runWorker} does when its hooks call the pair. */
    private static Runnable hooked(ThreadHygiene h, Runnable task) {
        return () -> {
            h.beforeTask(task);
            try {
                task.run();
            } finally {
                h.afterTask();
            }
        };
    }

    private Callable<List<Object>> probe() {
        return () -> Arrays.asList(local.get(), other.get(), inheritable.get());
    }

    @Test
    void restoresExactlyAsEnterAndCloseDo() {
        Object before = new Object();
        Object otherBefore = new Object();
        Runnable baseline = () -> {
            local.set(before);
            other.set(otherBefore);
        };
        Runnable task = new Handler(() -> {
            local.set("overwritten");
            other.remove();
            inheritable.set("added");
        });
        plain.run(baseline);
        plain.run(task);
        assertEquals(Arrays.asList("overwritten", null, "added"), plain.call(probe()), "control: the plain thread leaks");

        hygienic.run(baseline);
        hygienic.run(hooked(hygiene, task));
        List<Object> afterHooks = hygienic.call(probe());
        assertSame(before, afterHooks.get(0), "the very same reference is put back");
        assertSame(otherBefore, afterHooks.get(1));
        assertNull(afterHooks.get(2));

        ThreadHygiene scoped = ThreadHygiene.of(HygienePolicy.builder().name("scoped").build());
        hygienic.run(scoped, task);
        assertEquals(afterHooks, hygienic.call(probe()), "enter/close leave the thread as the hooks do");
        assertEquals(scoped.stats().leftoversByType(), hygiene.stats().leftoversByType(), "and count the same");
        assertEquals(1, hygiene.stats().tasks());
        assertEquals(1, hygiene.stats().tasksWithLeftovers());
        assertEquals(3, hygiene.stats().leftovers());
    }

    @Test
    void attributesLeftoversToTheTaskGivenToBeforeTask() {
        List<Leftover> heard = new CopyOnWriteArrayList<>();
        ThreadHygiene listened = ThreadHygiene.of(HygienePolicy.builder()
                .onLeftovers((worker, leftovers) -> heard.addAll(leftovers)).build());
        hygienic.run(hooked(listened, new Handler(() -> local.set("leftover"))));
        hygienic.run(() -> {
            listened.beforeTask(null);
            local.set("leftover");
            listened.afterTask();
        });
        assertEquals(List.of(
                new Leftover(Leftover.Kind.ADDED, "java.lang.ThreadLocal", "java.lang.String", false,
                        Handler.class.getName()),
                new Leftover(Leftover.Kind.ADDED, "java.lang.ThreadLocal", "java.lang.String", false,
                        Leftover.UNKNOWN_TASK)), heard);
    }

    @Test
    void afterTaskClosesScopesTheTaskLeftOpenAndRestoresTheThread() {
        ThreadHygiene another = ThreadHygiene.of(HygienePolicy.builder().name("hooked-b").build());
        Object before = new Object();
        AtomicReference<TaskScope> leaked = new AtomicReference<>();
        Runnable leaky = () -> {
            local.set("set by the task");
            leaked.set(hygiene.enter());              // entered, never closed
            other.set("set in the leaked scope");
            another.enter();                          // another hygiene's, never closed either
            local.set("set in the innermost leaked scope");
            inheritable.set("inherited by its children");
        };
        plain.run(() -> local.set(before));
        plain.run(leaky);
        assertEquals(Arrays.asList("set in the innermost leaked scope", "set in the leaked scope",
                "inherited by its children"), plain.call(probe()), "control: leaked scopes clean nothing by themselves");

        hygienic.run(() -> local.set(before));
        hygienic.run(hooked(hygiene, leaky));
        List<Object> seen = hygienic.call(probe());
        assertSame(before, seen.get(0));
        assertEquals(Arrays.asList(before, null, null), seen, "the thread is as it was before the task");

        assertEquals(2, hygiene.stats().tasks(), "the hooked scope and the leaked one closed");
        assertEquals(1, another.stats().tasks(), "the other hygiene's leaked scope closed");
        List<String> misuse = hygienic.call(() -> {
            List<String> out = new ArrayList<>();
            out.add(assertThrows(IllegalStateException.class, leaked.get()::close).getMessage());
            out.add(assertThrows(IllegalStateException.class, hygiene::afterTask).getMessage());
            hygiene.enter().close();               // no scope is left open underneath: closes in order
            return out;
        });
        assertTrue(misuse.get(0).contains("already closed"), misuse.get(0));
        assertTrue(misuse.get(1).contains("without beforeTask()"), misuse.get(1));
        assertEquals(Arrays.asList(before, null, null), hygienic.call(probe()));
    }

    @Test
    void afterTaskDoesNotCloseAnotherHygienesHookedScope() {
        ThreadHygiene another = ThreadHygiene.of(HygienePolicy.builder().name("hooked-b").build());
        List<Object> seen = hygienic.call(() -> {
            another.beforeTask(null);
            local.set("task of b");
            List<Object> out = new ArrayList<>();
            out.add(assertThrows(IllegalStateException.class, hygiene::afterTask).getMessage());
            out.add(local.get());
            another.afterTask();
            out.add(local.get());
            return out;
        });
        assertTrue(((String) seen.get(0)).contains("hooked-a"), (String) seen.get(0));
        assertEquals("task of b", seen.get(1), "the failed afterTask changed nothing");
        assertNull(seen.get(2), "the other hygiene's scope was still open and restores");
        assertEquals(0, hygiene.stats().tasks());
        assertEquals(1, another.stats().tasks());
    }

    @Test
    void afterTaskClosesOnlyItsOwnScopeWhenAnotherHygieneHookedOutsideIt() {
        ThreadHygiene outer = ThreadHygiene.of(HygienePolicy.builder().name("hooked-b").build());
        Object before = new Object();
        hygienic.run(() -> local.set(before));
        List<Object> seen = hygienic.call(() -> {
            List<Object> out = new ArrayList<>();
            outer.beforeTask(null);
            local.set("outer task");
            hygiene.beforeTask(null);
            local.set("inner task");
            hygiene.afterTask();
            out.add(local.get());
            outer.afterTask();
            out.add(local.get());
            return out;
        });
        assertEquals(Arrays.asList("outer task", before), seen);
    }

    @Test
    void afterTaskWithoutBeforeTaskThrowsAUsefulMessage() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> hygienic.run(hygiene::afterTask));
        assertTrue(e.getMessage().contains("afterTask() without beforeTask()"), e.getMessage());
        assertTrue(e.getMessage().contains("hooked-a"), "names the hygiene: " + e.getMessage());
        assertTrue(e.getMessage().contains("hygienic"), "names the thread: " + e.getMessage());
        assertTrue(e.getMessage().contains("in pairs"), "says what to do: " + e.getMessage());
        assertEquals(0, hygiene.stats().tasks());
    }

    @Test
    void unpairedAfterTaskLeavesAThreadThatNeverRanAScopeAsItWas() {
        // "nothing is changed then": that includes not creating hygiene's own per-thread state,
        // an entry in the map of a thread that never ran a scope.
        List<Object> seen = hygienic.call(() -> {
            int before = RawMaps.entries(false);
            assertThrows(IllegalStateException.class, hygiene::afterTask);
            return Arrays.asList(before, RawMaps.entries(false), RawMaps.holds(TestAccess.STATE, false));
        });
        assertEquals(Arrays.asList(0, 0, false), seen);
    }

    @Test
    void afterTaskDoesNotCloseAScopeOpenedByEnter() {
        Object before = new Object();
        List<Object> seen = hygienic.call(() -> {
            local.set(before);
            TaskScope scope = hygiene.enter();
            local.set("task");
            List<Object> out = new ArrayList<>();
            out.add(assertThrows(IllegalStateException.class, hygiene::afterTask).getClass());
            out.add(local.get());
            scope.close();                            // still open, and still the innermost
            out.add(local.get());
            return out;
        });
        assertEquals(Arrays.asList(IllegalStateException.class, "task", before), seen);
    }

    @Test
    void nestedHookPairsRestoreLastInFirstOut() {
        Object before = new Object();
        hygienic.run(() -> local.set(before));
        List<Object> seen = hygienic.call(() -> {
            List<Object> out = new ArrayList<>();
            hygiene.beforeTask("outer");
            local.set("outer");
            hygiene.beforeTask("inner");             // a task run inline by the outer one
            local.set("inner");
            other.set("inner");
            hygiene.afterTask();
            out.add(local.get());
            out.add(other.get());
            hygiene.afterTask();
            out.add(local.get());
            return out;
        });
        assertEquals(Arrays.asList("outer", null, before), seen);
        assertEquals(2, hygiene.stats().tasks());
    }

    @Test
    void restoresWhenTheTaskBetweenTheHooksThrows() {
        Runnable throwing = () -> {
            local.set("left by a failed task");
            throw new IllegalStateException("task failed");
        };
        assertThrows(IllegalStateException.class, () -> plain.run(throwing));
        assertEquals("left by a failed task", plain.call(local::get), "control");

        assertThrows(IllegalStateException.class, () -> hygienic.run(hooked(hygiene, throwing)));
        assertNull(hygienic.call(local::get));
        Runnable erring = () -> {
            local.set("left by an erring task");
            throw new AssertionError("task erred");
        };
        assertThrows(AssertionError.class, () -> hygienic.run(hooked(hygiene, erring)));
        assertNull(hygienic.call(local::get));
        assertEquals(2, hygiene.stats().tasks());
    }

    @Test
    void offModeHooksDoNothing() {
        ThreadHygiene off = ThreadHygiene.of(HygienePolicy.builder().mode(Mode.OFF).build());
        Runnable task = () -> local.set("leftover");
        plain.run(task);
        assertEquals("leftover", plain.call(local::get), "control");

        hygienic.run(hooked(off, task));
        assertEquals("leftover", hygienic.call(local::get), "OFF leaves the thread as the task left it");
        hygienic.run(off::afterTask);                  // no pair needed, nothing thrown
        assertFalse(hygienic.call(() -> RawMaps.holds(TestAccess.STATE, false)), "no per-thread state was made");
        assertEquals(0, off.stats().tasks());
        assertEquals(0, off.stats().leftovers());
    }

    /** The extension example of ThreadPoolExecutor, with hygiene in its hooks. */
    private static final class HookedPool extends ThreadPoolExecutor {
        private final ThreadHygiene hygiene;

        HookedPool(ThreadHygiene hygiene) {
            super(1, 1, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
            this.hygiene = hygiene;
        }

        @Override
        protected void beforeExecute(Thread t, Runnable r) {
            super.beforeExecute(t, r);
            hygiene.beforeTask(r);
        }

        @Override
        protected void afterExecute(Runnable r, Throwable t) {
            hygiene.afterTask();
            super.afterExecute(r, t);
        }
    }

    /** Runs {@code first} and then {@code second} on the pool's one worker; returns what second saw. */
    private static <T> T runInPool(ExecutorService pool, Runnable first, Callable<T> second) throws Exception {
        try {
            pool.submit(first).get(60, TimeUnit.SECONDS);
            return pool.submit(second).get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void restoresBetweenTasksOfAThreadPoolExecutorWithHooks() throws Exception {
        Runnable leaky = () -> {
            local.set("leftover");
            hygiene.enter();                          // and a scope it never closes
            other.set("leftover");
        };
        Callable<List<Object>> next = () -> Arrays.asList(local.get(), other.get());
        ExecutorService bare = new ThreadPoolExecutor(1, 1, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
        assertEquals(Arrays.asList("leftover", "leftover"), runInPool(bare, leaky, next), "control");
        ThreadHygiene pooled = ThreadHygiene.of(HygienePolicy.builder().name("pooled").build());
        assertEquals(Arrays.asList(null, null), runInPool(new HookedPool(pooled), leaky, next));
        assertEquals(2, pooled.stats().tasks());
        assertEquals(1, hygiene.stats().tasks(), "the scope the task left open was closed after it");
    }
}
