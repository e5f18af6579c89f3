package dev.hygiene.core;

import dev.hygiene.core.internal.TestAccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.testsupport.RawMaps;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two copies of hygiene-core on one thread, as with an agent on the boot class path and a copy
 * inside the application: neither removes, restores or reports the other's per-thread state. The
 * second copy is loaded from the same classes by a class loader of its own, so every one of its
 * classes, its {@code TestAccess.STATE} among them, is a different class with the same name.
 */
class TwoCopiesTest {

    private final ThreadLocal<Object> dirt = new ThreadLocal<>();
    private URLClassLoader copyLoader;
    private Class<?> copyHygiene;
    private ReusedThread thread;

    @BeforeEach
    void loadSecondCopy() throws Exception {
        URL classes = ThreadHygiene.class.getProtectionDomain().getCodeSource().getLocation();
        copyLoader = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader());
        copyHygiene = copyLoader.loadClass(ThreadHygiene.class.getName());
        assertNotSame(ThreadHygiene.class, copyHygiene, "a second copy, not this one");
        thread = new ReusedThread("two-copies");
    }

    @AfterEach
    void stop() throws Exception {
        thread.close();
        copyLoader.close();
    }

    private Object copy(String factory) throws Exception {
        return copyHygiene.getMethod(factory).invoke(null);
    }

    private static Runnable wrapIn(Object hygiene, Runnable task) throws Exception {
        return (Runnable) hygiene.getClass().getMethod("wrap", Runnable.class).invoke(hygiene, task);
    }

    /** A counter of the other copy's hygiene, read through its public {@code HygieneStats}. */
    private long stat(Object hygiene, String counter) throws Exception {
        Object stats = copyHygiene.getMethod("stats").invoke(hygiene);
        return (long) copyLoader.loadClass(HygieneStats.class.getName()).getMethod(counter).invoke(stats);
    }

    /** The live entries of the current thread's map that hold the state of a copy of hygiene-core. */
    private static long stateEntries() {
        return RawMaps.localTypes(false).stream().filter(type -> type.endsWith(TestAccess.STATE_CLASS_SUFFIX)).count();
    }

    private <T> T onThread(Callable<T> step) {
        return thread.call(step);
    }

    @Test
    void enforcingScopeOfOneCopyKeepsTheStateTheOtherCopyCreatedInsideIt() throws Exception {
        ThreadHygiene ours = ThreadHygiene.enforcing();
        Object theirs = copy("enforcing");
        Runnable theirTask = wrapIn(theirs, () -> { });

        long states = onThread(() -> {
            try (TaskScope scope = ours.enter()) {
                theirTask.run();                // their first scope on this thread creates their state
                dirt.set("control");            // a plain leftover of our task
            }
            return stateEntries();
        });

        assertEquals(2, states, "both copies' states are in the map: ours and theirs");
        assertNull(onThread(dirt::get), "control: what our task left was removed");
        assertEquals(1, ours.stats().leftovers(), "only the control was a leftover");
        onThread(() -> {
            theirTask.run();
            return null;
        });
        assertEquals(2, stat(theirs, "tasks"));
        assertEquals(0, stat(theirs, "leftovers"), "their copy saw nothing of ours either");
    }

    @Test
    void scopeOfTheOtherCopyKeepsTheStateThisCopyCreatedInsideIt() throws Exception {
        ThreadHygiene ours = ThreadHygiene.enforcing();
        Object theirs = copy("enforcing");
        Runnable ourTask = ours.wrap(() -> { });

        onThread(() -> {
            Runnable theirScope = wrapIn(theirs, () -> {
                ourTask.run();                  // our first scope on this thread creates our state
                dirt.set("control");
            });
            theirScope.run();
            return null;
        });

        assertNotNull(onThread(TestAccess::existingState), "our state survived their scope");
        assertNull(onThread(dirt::get), "control: their scope removed what its task left");
        assertEquals(1, stat(theirs, "leftovers"), "they counted only the control");
        assertEquals(0, ours.stats().leftovers());
    }

    @Test
    void auditingScopeDoesNotReportTheOtherCopysState() throws Exception {
        ThreadHygiene ours = ThreadHygiene.auditing();
        Object theirs = copy("enforcing");
        Runnable theirTask = wrapIn(theirs, () -> { });

        List<Leftover> found = onThread(() -> {
            TaskScope scope = ours.enter();
            theirTask.run();
            dirt.set("control");
            return scope.finish();
        });

        assertEquals(1, found.size(), found.toString());
        assertEquals("java.lang.String", found.get(0).valueType(), "the control, not their state");
        assertTrue(onThread(() -> dirt.get() != null), "AUDIT left the control in place");
    }
}
