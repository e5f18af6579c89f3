package dev.hygiene.junit;

import static dev.hygiene.junit.TestKit.result;
import static dev.hygiene.junit.TestKit.withHygiene;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.hygiene.junit.Samples.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult.Status;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Tests that leave nothing behind pass, and what was on the thread before is never lost. */
class CleanTestsPassTest {

    @BeforeEach
    @AfterEach
    void clean() {
        Samples.removeAll();
        Samples.SEEN.clear();
    }

    @Test
    void testThatTouchesNothingPasses() {
        assertEquals(Status.SUCCESSFUL, result(withHygiene(Samples.Clean.class), "touchesNothing").getStatus());
    }

    @Test
    void testThatRemovesInFinallyPasses() {
        assertEquals(Status.SUCCESSFUL, result(withHygiene(Samples.Clean.class), "removesInFinally").getStatus());
        assertNull(Samples.USER.get());
    }

    @Test
    void testThatOnlyReadsAValueThatWasThereBeforePassesAndTheValueStays() {
        User before = new User("carol");
        Samples.USER.set(before);

        EngineExecutionResults results = withHygiene(Samples.Clean.class);

        assertEquals(Status.SUCCESSFUL, result(results, "readsAValueThatWasThereBefore").getStatus());
        assertSame(before, Samples.SEEN.get("read"));
        assertSame(before, Samples.USER.get(), "never lost");
    }

    @Test
    void beforeAllThatSetsWithAfterAllThatRemovesPasses() {
        EngineExecutionResults results = withHygiene(Samples.SetUpClassAndTearDownClass.class);

        assertEquals(Status.SUCCESSFUL, result(results, "seesWhatBeforeAllSet").getStatus());
        assertEquals(Status.SUCCESSFUL, TestKit.classResult(results, Samples.SetUpClassAndTearDownClass.class)
                .getStatus());
        assertNull(Samples.CACHE.get());
    }

    @Test
    void beforeEachThatSetsWithAfterEachThatRemovesPasses() {
        assertEquals(Status.SUCCESSFUL, result(withHygiene(Samples.SetUpAndTearDown.class), "usesTheFixture")
                .getStatus());
        assertNull(Samples.USER.get());
    }
}
