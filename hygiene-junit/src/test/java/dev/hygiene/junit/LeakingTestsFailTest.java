package dev.hygiene.junit;

import static dev.hygiene.junit.TestKit.classResult;
import static dev.hygiene.junit.TestKit.failure;
import static dev.hygiene.junit.TestKit.result;
import static dev.hygiene.junit.TestKit.without;
import static dev.hygiene.junit.TestKit.withHygiene;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.junit.Samples.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult.Status;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * A test that leaves a thread-local behind fails, and the thread is restored. Each case runs its
 * sample twice: with the extension, and as the control without it, where the leak stays on the
 * thread (the samples run on this test's own thread) or reaches the next test.
 */
class LeakingTestsFailTest {

    @BeforeEach
    @AfterEach
    void clean() {
        Samples.removeAll();
        Samples.SEEN.clear();
    }

    @Test
    void leakingTestFailsNamingTheThreadLocalAndTheValue() {
        Throwable failure = failure(withHygiene(Samples.LeavesUser.class), "setsUserAndForgetsIt");

        assertInstanceOf(AssertionError.class, failure);
        String message = failure.getMessage();
        assertTrue(message.contains("test setsUserAndForgetsIt() left 1 thread-local value behind"), message);
        assertTrue(message.contains("a java.lang.ThreadLocal holding a dev.hygiene.junit.Samples$User\n    on thread "
                + Thread.currentThread().getName()), message);
        assertTrue(message.contains("To fix it, call remove() in a finally block where the value is set.\nIf it is meant to stay"), message);
        assertTrue(message.contains("@RetainThreadLocals(\"dev.hygiene.junit.Samples$User\")"), message);
        assertTrue(message.contains("hygiene.junit.retain=dev.hygiene.junit.Samples$User"), message);
        assertNull(Samples.USER.get(), "restored");
    }

    @Test
    void withoutTheExtensionTheLeakPassesAndStaysOnTheThread() {
        assertEquals(Status.SUCCESSFUL, result(without(Samples.LeavesUser.class), "setsUserAndForgetsIt").getStatus());
        assertEquals(new User("alice"), Samples.USER.get(), "the control: the leak stays");
    }

    @Test
    void extendWithRegistersItWithoutAutodetection() {
        EngineExecutionResults results = without(Samples.LeavesUserWithExtendWith.class);

        assertTrue(failure(results, "setsUserAndForgetsIt").getMessage().contains("Samples$User"));
        assertNull(Samples.USER.get(), "restored");
    }

    @Test
    void nextTestAfterALeakStartsClean() {
        EngineExecutionResults results = withHygiene(Samples.LeakThenLook.class);

        assertEquals(Status.FAILED, result(results, "setsUserAndForgetsIt").getStatus());
        assertEquals(Status.SUCCESSFUL, result(results, "findsNoUser").getStatus());
        assertEquals("null", Samples.SEEN.get("second"));
    }

    @Test
    void withoutTheExtensionTheNextTestSeesTheLeak() {
        EngineExecutionResults results = without(Samples.LeakThenLook.class);

        assertEquals(Status.SUCCESSFUL, result(results, "setsUserAndForgetsIt").getStatus());
        assertEquals(Status.FAILED, result(results, "findsNoUser").getStatus());
        assertEquals(new User("alice"), Samples.SEEN.get("second"));
    }

    @Test
    void ownFailureStaysPrimaryWithTheLeftoversSuppressed() {
        Throwable failure = failure(withHygiene(Samples.LeavesAndFails.class), "setsUserThenFails");

        assertEquals("the test's own failure", failure.getMessage());
        assertEquals(1, failure.getSuppressed().length);
        assertInstanceOf(AssertionError.class, failure.getSuppressed()[0]);
        assertTrue(failure.getSuppressed()[0].getMessage().contains("holding a dev.hygiene.junit.Samples$User"));
        assertNull(Samples.USER.get(), "restored");
    }

    @Test
    void withoutTheExtensionAFailingTestKeepsItsLeakToo() {
        Throwable failure = failure(without(Samples.LeavesAndFails.class), "setsUserThenFails");

        assertEquals(0, failure.getSuppressed().length);
        assertEquals(new User("alice"), Samples.USER.get(), "the control: the leak stays");
    }

    @Test
    void replacedValueFailsAndThePreviousValueIsPutBack() {
        User before = new User("carol");
        Samples.USER.set(before);

        Throwable failure = failure(withHygiene(Samples.ReplacesUser.class), "replacesTheUserThatWasThere");

        assertTrue(failure.getMessage().contains("replaced the value of a java.lang.ThreadLocal that was set before, "
                + "with a dev.hygiene.junit.Samples$User"), failure.getMessage());
        assertSame(before, Samples.USER.get(), "the same reference is back");
    }

    @Test
    void withoutTheExtensionTheReplacedValueStays() {
        Samples.USER.set(new User("carol"));

        assertEquals(Status.SUCCESSFUL, result(without(Samples.ReplacesUser.class), "replacesTheUserThatWasThere")
                .getStatus());
        assertEquals(new User("mallory"), Samples.USER.get(), "the control: replaced");
    }

    @Test
    void beforeEachThatLeavesFailsTheTest() {
        Throwable failure = failure(withHygiene(Samples.SetUpOnly.class), "usesTheFixture");

        assertTrue(failure.getMessage().contains("by its @BeforeEach methods, the test method or its @AfterEach methods"),
                failure.getMessage());
        assertNull(Samples.USER.get(), "restored");
        assertEquals(Status.SUCCESSFUL, result(without(Samples.SetUpOnly.class), "usesTheFixture").getStatus());
        assertEquals(new User("fixture"), Samples.USER.get(), "the control: the fixture stays");
    }

    @Test
    void inheritableThreadLocalLeftBehindFails() {
        Throwable failure = failure(withHygiene(Samples.LeavesInheritable.class), "setsRequestIdAndForgetsIt");

        assertTrue(failure.getMessage().contains("a java.lang.InheritableThreadLocal (inheritable map) holding a "
                + "dev.hygiene.junit.Samples$RequestId"), failure.getMessage());
        assertNull(Samples.REQUEST_ID.get(), "restored");
    }

    @Test
    void withoutTheExtensionTheInheritableValueStays() {
        assertEquals(Status.SUCCESSFUL, result(without(Samples.LeavesInheritable.class), "setsRequestIdAndForgetsIt")
                .getStatus());
        assertEquals(new Samples.RequestId(42), Samples.REQUEST_ID.get(), "the control: the leak stays");
    }

    @Test
    void beforeAllThatLeavesFailsTheClass() {
        EngineExecutionResults results = withHygiene(Samples.LeavesInBeforeAll.class);

        assertEquals(Status.SUCCESSFUL, result(results, "seesWhatBeforeAllSet").getStatus());
        var classResult = classResult(results, Samples.LeavesInBeforeAll.class);
        assertEquals(Status.FAILED, classResult.getStatus());
        String message = classResult.getThrowable().orElseThrow().getMessage();
        assertTrue(message.startsWith("class Samples$LeavesInBeforeAll left 1 thread-local value behind"), message);
        assertTrue(message.contains("holding a dev.hygiene.junit.Samples$Cached"), message);
        assertTrue(message.contains("by its @BeforeAll or @AfterAll methods"), message);
        assertNull(Samples.CACHE.get(), "restored");
    }

    @Test
    void withoutTheExtensionWhatBeforeAllSetStays() {
        EngineExecutionResults results = without(Samples.LeavesInBeforeAll.class);

        assertEquals(Status.SUCCESSFUL, classResult(results, Samples.LeavesInBeforeAll.class).getStatus());
        assertEquals(new Samples.Cached(1), Samples.CACHE.get(), "the control: the leak stays");
    }

    @Test
    void testThatLeavesAHygieneScopeOpenFailsAndTheThreadIsRestoredAnyway() {
        Throwable failure = failure(withHygiene(Samples.LeavesAScopeOpen.class), "entersAScopeAndNeverClosesIt");

        assertTrue(failure.getMessage().contains("test entersAScopeAndNeverClosesIt() left a hygiene TaskScope open: "),
                failure.getMessage());
        assertNull(Samples.USER.get(), "the test's own scope and the extension's were closed, innermost first");
    }

    @Test
    void dynamicTestThatLeavesFailsAloneAndTheNextStartsClean() {
        EngineExecutionResults results = withHygiene(Samples.LeavesInDynamicTest.class);

        Throwable leaks = results.testEvents().failed().stream()
                .map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow())
                .map(r -> r.getThrowable().orElseThrow())
                .reduce((a, b) -> {
                    throw new AssertionError("more than one failure");
                })
                .orElseThrow();
        assertTrue(leaks.getMessage().startsWith("dynamic test leaks left 1 thread-local value behind"),
                leaks.getMessage());
        assertEquals(1, results.testEvents().succeeded().count());
        assertEquals("null", Samples.SEEN.get("dynamic clean"));
        assertNull(Samples.USER.get(), "restored");

        EngineExecutionResults control = without(Samples.LeavesInDynamicTest.class);
        assertEquals(2, control.testEvents().succeeded().count());
        assertEquals(new User("dynamic"), Samples.SEEN.get("dynamic clean"), "the control: the next one sees it");
    }
}
