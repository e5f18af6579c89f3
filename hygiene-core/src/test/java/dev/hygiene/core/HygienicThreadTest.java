package dev.hygiene.core;

import dev.hygiene.core.internal.TestAccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.testsupport.RawMaps;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HygienicThread}: scopes work on it as on any thread, hygiene's own state lives in a field
 * instead of the thread's map, it inherits no {@code InheritableThreadLocal} values unless asked,
 * and it starts with the creating thread's context class loader on every JDK. Each test runs the
 * same steps on a plain thread as the control.
 */
class HygienicThreadTest {

    private final ThreadLocal<Object> local = new ThreadLocal<>();
    private final ThreadLocal<Object> other = new ThreadLocal<>();
    private final InheritableThreadLocal<Object> user = new InheritableThreadLocal<>();
    private final ClassLoader appLoader = new ClassLoader("app", HygienicThreadTest.class.getClassLoader()) { };
    private ThreadHygiene hygiene;
    /** A reused plain thread: the control. */
    private ReusedThread plain;
    /** A reused HygienicThread, as the hygienic thread factories make them. */
    private ReusedThread pooled;
    /** A request thread with a value of {@link #user} and {@link #appLoader}, which makes new threads. */
    private ReusedThread creator;

    @BeforeEach
    void start() {
        hygiene = ThreadHygiene.enforcing();
        plain = new ReusedThread("plain");
        pooled = new ReusedThread(task -> new HygienicThread(null, task, "hygienic-thread"));
        creator = new ReusedThread("request", false);
        creator.run(() -> {
            user.set("alice");
            Thread.currentThread().setContextClassLoader(appLoader);
        });
    }

    @AfterEach
    void stop() {
        plain.close();
        pooled.close();
        creator.close();
    }

    @Test
    void isAHygienicThread() {
        assertTrue(pooled.thread() instanceof HygienicThread);
        assertFalse(plain.thread() instanceof HygienicThread);
    }

    @Test
    void scopesRestoreOnAHygienicThread() {
        Object before = new Object();
        Runnable task = () -> {
            local.set("overwritten");
            other.set("added");
        };
        Callable<List<Object>> probe = () -> Arrays.asList(local.get(), other.get());
        plain.run(() -> local.set(before));
        plain.run(task);
        assertEquals(Arrays.asList("overwritten", "added"), plain.call(probe), "control: the plain thread leaks");

        pooled.run(() -> local.set(before));
        pooled.run(hygiene, task);
        List<Object> afterScope = pooled.call(probe);
        assertSame(before, afterScope.get(0), "the very same reference is put back");
        assertNull(afterScope.get(1));

        pooled.run(() -> {
            hygiene.beforeTask(task);
            task.run();
            hygiene.afterTask();
        });
        assertEquals(afterScope, pooled.call(probe), "and after a hooked scope");

        pooled.run(hygiene, () -> {
            local.set("outer");
            hygiene.wrap(task).run();
        });
        assertEquals(afterScope, pooled.call(probe), "and after nested scopes");
        assertEquals(4, hygiene.stats().tasks());
    }

    @Test
    void keepsHygieneStateInTheThreadNotInItsMap() {
        Runnable task = () -> local.set("leftover");
        plain.run(hygiene, task);
        assertTrue(plain.call(() -> RawMaps.holds(TestAccess.STATE, false)),
                "control: on a plain thread hygiene's state is an entry of the thread's map");

        pooled.run(hygiene, task);
        pooled.run(hygiene, () -> hygiene.wrap(task).run());
        pooled.run(hygiene, () -> { });
        assertFalse(pooled.call(() -> RawMaps.holds(TestAccess.STATE, false)));
        assertEquals(0, pooled.call(() -> RawMaps.entries(false)), "nothing at all in the thread's map");
        assertNotNull(pooled.call(() -> TestAccess.existingState()),
                "the state is in the thread's field");
        assertEquals(5, hygiene.stats().tasks());
        assertEquals(3, hygiene.stats().leftovers(), "one per task that set the local: never hygiene's own state");
    }

    /** Makes a thread on the creator; returns what it sees once started: inherited entries, user. */
    private List<Object> inheritedBy(ThreadMaker maker) {
        FutureTask<List<Object>> task = new FutureTask<>(() -> {
            int entries = RawMaps.entries(true);   // first: get() of a missing value would add one
            return Arrays.asList(entries, user.get());
        });
        Thread thread = creator.call(() -> {
            Thread t = maker.make(task);
            t.setDaemon(true);
            return t;
        });
        thread.start();
        try {
            return task.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @FunctionalInterface
    private interface ThreadMaker {
        Thread make(Runnable task);
    }

    private static final List<Object> INHERITED = Arrays.asList(1, "alice");
    private static final List<Object> NOTHING = Arrays.asList(0, null);

    @Test
    void threeArgumentConstructorInheritsNothing() {
        assertEquals(INHERITED, inheritedBy(task -> new Thread(null, task, "plain")),
                "control: a plain thread inherits the creator's values");
        assertEquals(NOTHING, inheritedBy(task -> new HygienicThread(null, task, "clean")));
    }

    @Test
    void fiveArgumentConstructorInheritsOnlyWhenAsked() {
        assertEquals(INHERITED, inheritedBy(task -> new HygienicThread(null, task, "inheriting", 0L, true)));
        assertEquals(NOTHING, inheritedBy(task -> new HygienicThread(null, task, "clean", 0L, false)));
    }

    @Test
    void passesGroupNameAndTaskToThread() throws Exception {
        ThreadGroup group = new ThreadGroup("workers");
        FutureTask<String> task = new FutureTask<>(() -> Thread.currentThread().getName());
        Thread thread = new HygienicThread(group, task, "worker-1", 0L, false);
        assertSame(group, thread.getThreadGroup());
        assertEquals("worker-1", thread.getName());
        thread.setDaemon(true);
        thread.start();
        assertEquals("worker-1", task.get(60, TimeUnit.SECONDS));
    }

    /** The context class loader a new thread made on the creator has, before and after it starts. */
    private List<ClassLoader> loaderOf(ThreadMaker maker) {
        FutureTask<ClassLoader> task = new FutureTask<>(() -> Thread.currentThread().getContextClassLoader());
        Thread thread = creator.call(() -> {
            Thread t = maker.make(task);
            t.setDaemon(true);
            return t;
        });
        ClassLoader before = thread.getContextClassLoader();
        thread.start();
        try {
            return Arrays.asList(before, task.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void startsWithTheCreatingThreadsContextClassLoader() {
        List<ClassLoader> app = Arrays.asList(appLoader, appLoader);
        List<ClassLoader> noInherit = loaderOf(task -> new Thread(null, task, "plain", 0L, false));
        if (Runtime.version().feature() >= 19) {
            assertNotSame(appLoader, noInherit.get(1),
                    "control: since JDK 19, Thread(..., inheritThreadLocals = false) drops the creator's loader");
        } else {
            assertEquals(app, noInherit, "control: before JDK 19 Thread keeps the creator's loader");
        }
        assertEquals(app, loaderOf(task -> new HygienicThread(null, task, "clean")));
        assertEquals(app, loaderOf(task -> new HygienicThread(null, task, "clean", 0L, false)));
        assertEquals(app, loaderOf(task -> new HygienicThread(null, task, "inheriting", 0L, true)));
    }

    @Test
    void startsWithNoContextClassLoaderWhenTheCreatorHasNone() {
        creator.run(() -> Thread.currentThread().setContextClassLoader(null));
        assertEquals(Arrays.asList(null, null), loaderOf(task -> new HygienicThread(null, task, "clean")));
    }
}
