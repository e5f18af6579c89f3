package dev.hygiene.junit;

import static dev.hygiene.junit.TestKit.failure;
import static dev.hygiene.junit.TestKit.result;
import static dev.hygiene.junit.TestKit.without;
import static dev.hygiene.junit.TestKit.withHygiene;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.junit.Samples.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult.Status;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Each thread gets its own scope: tests run in parallel, a test method on a {@code @Timeout}
 * thread of its own, and tasks on a pool under the test's {@link TestHygiene}. The samples'
 * {@code ThreadProbe}, registered by {@code @ExtendWith} before the extension (so not by
 * autodetection, which would put the extension first), reads each thread after the extension
 * restored it; without the extension it finds the leak still there.
 */
class OtherThreadsTest {

    private static final String[] PARALLEL = {
        "junit.jupiter.execution.parallel.enabled", "true",
        "junit.jupiter.execution.parallel.config.strategy", "fixed",
        "junit.jupiter.execution.parallel.config.fixed.parallelism", "2",
    };

    @BeforeEach
    @AfterEach
    void clean() {
        Samples.removeAll();
        Samples.SEEN.clear();
    }

    @Test
    void parallelTestsEachFailWithOnlyWhatTheyLeftOnTheirOwnThread() {
        EngineExecutionResults results = without(Samples.LeavesInParallelUnderHygiene.class, PARALLEL);

        String a = failure(results, "leavesA").getMessage();
        String b = failure(results, "leavesB").getMessage();
        assertTrue(a.contains("holding a dev.hygiene.junit.Samples$ValueA"), a);
        assertFalse(a.contains("ValueB"), a);
        assertTrue(b.contains("holding a dev.hygiene.junit.Samples$ValueB"), b);
        assertFalse(b.contains("ValueA"), b);
        assertNotEquals(Samples.SEEN.get("leavesA thread"), Samples.SEEN.get("leavesB thread"), "two threads at once");
        assertTrue(a.contains("on thread " + Samples.SEEN.get("leavesA thread")), a);
        assertEquals("null", Samples.SEEN.get("leavesA after test"), "restored");
        assertEquals("null", Samples.SEEN.get("leavesB after test"), "restored");
    }

    @Test
    void withoutTheExtensionParallelTestsPassAndTheirThreadsKeepTheLeak() {
        EngineExecutionResults results = without(Samples.LeavesInParallel.class, PARALLEL);

        assertEquals(Status.SUCCESSFUL, result(results, "leavesA").getStatus());
        assertEquals(Status.SUCCESSFUL, result(results, "leavesB").getStatus());
        assertEquals(new Samples.ValueA(), Samples.SEEN.get("leavesA after test"));
        assertEquals(new Samples.ValueB(), Samples.SEEN.get("leavesB after test"));
    }

    @Test
    void testMethodOnATimeoutThreadOfItsOwnFailsNamingThatThread() {
        EngineExecutionResults results = without(Samples.LeavesOnTimeoutThreadUnderHygiene.class);

        String message = failure(results, "leavesUserOnItsOwnThread").getMessage();
        Object timeoutThread = Samples.SEEN.get("test thread");
        assertNotEquals(Thread.currentThread().getName(), timeoutThread);
        assertTrue(message.contains("holding a dev.hygiene.junit.Samples$User\n    on thread " + timeoutThread
                + ", by the test method, which ran on a thread of its own"), message);
        assertEquals("null", Samples.SEEN.get("leavesUserOnItsOwnThread after method"), "restored on that thread");
        assertNull(Samples.USER.get());
    }

    @Test
    void withoutTheExtensionTheTimeoutThreadKeepsTheLeak() {
        EngineExecutionResults results = without(Samples.LeavesOnTimeoutThread.class);

        assertEquals(Status.SUCCESSFUL, result(results, "leavesUserOnItsOwnThread").getStatus());
        assertEquals(new User("timed"), Samples.SEEN.get("leavesUserOnItsOwnThread after method"));
    }

    @Test
    void taskUnderTheTestsHygieneThatLeavesFailsTheTestAndItsWorkerIsRestored() {
        EngineExecutionResults results = withHygiene(Samples.LeavesOnAPool.class);

        String message = failure(results, "taskOfTheTestLeavesUser").getMessage();
        assertTrue(message.contains("a java.lang.ThreadLocal holding a dev.hygiene.junit.Samples$User\n    on thread pool-"),
                message);
        assertTrue(message.contains("by task dev.hygiene.junit.Samples (lambda) under @TestHygiene"),
                message);
        assertEquals("null", Samples.SEEN.get("next task"), "the pool's next task starts clean");
    }

    @Test
    void withoutHygieneThePoolsNextTaskSeesTheLeak() {
        EngineExecutionResults results = without(Samples.LeavesOnAPlainPool.class);

        assertEquals(Status.SUCCESSFUL, result(results, "taskLeavesUser").getStatus());
        assertEquals(new User("pooled"), Samples.SEEN.get("next task"));
    }
}
