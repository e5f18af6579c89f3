package dev.hygiene.junit;

import static dev.hygiene.junit.TestKit.classResult;
import static dev.hygiene.junit.TestKit.failure;
import static dev.hygiene.junit.TestKit.reportEntry;
import static dev.hygiene.junit.TestKit.result;
import static dev.hygiene.junit.TestKit.withHygiene;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.junit.Samples.Cached;
import dev.hygiene.junit.Samples.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestExecutionResult.Status;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * The configuration parameters and the annotations. The controls of the samples used here (the
 * leak stays without the extension) are in {@link LeakingTestsFailTest}.
 */
class ConfigurationTest {

    @BeforeEach
    @AfterEach
    void clean() {
        Samples.removeAll();
        Samples.SEEN.clear();
    }

    @Test
    void warnModeReportsTheLeftoversWithoutFailingAndStillRestores() {
        EngineExecutionResults results = withHygiene(Samples.LeavesUser.class, ThreadHygieneExtension.MODE_PARAMETER,
                " WARN ");

        assertEquals(Status.SUCCESSFUL, result(results, "setsUserAndForgetsIt").getStatus());
        String entry = reportEntry(results, "setsUserAndForgetsIt", ThreadHygieneExtension.REPORT_KEY).orElseThrow();
        assertTrue(entry.contains("holding a dev.hygiene.junit.Samples$User"), entry);
        assertTrue(entry.endsWith("Reported, not failed: hygiene.junit.mode=warn."), entry);
        assertNull(Samples.USER.get(), "restored");
    }

    @Test
    void failModeIsTheDefault() {
        EngineExecutionResults results = withHygiene(Samples.LeavesUser.class, ThreadHygieneExtension.MODE_PARAMETER,
                "fail");

        assertEquals(Status.FAILED, result(results, "setsUserAndForgetsIt").getStatus());
    }

    @Test
    void badModeFailsTheClassNamingTheParameterAndTheAllowedValues() {
        TestExecutionResult result = classResult(withHygiene(Samples.LeavesUser.class,
                ThreadHygieneExtension.MODE_PARAMETER, "loud"), Samples.LeavesUser.class);

        Throwable failure = result.getThrowable().orElseThrow();
        assertInstanceOf(ExtensionConfigurationException.class, failure);
        assertEquals("configuration parameter hygiene.junit.mode is 'loud'; allowed values are fail (the default) "
                + "and warn, in any case", failure.getMessage());
        assertNull(Samples.USER.get(), "no test ran");
    }

    @Test
    void badRetainFailsTheClassNamingTheParameterAndTheItem() {
        TestExecutionResult result = classResult(withHygiene(Samples.LeavesUser.class,
                ThreadHygieneExtension.RETAIN_PARAMETER, "com.acme.,com..bad"), Samples.LeavesUser.class);

        Throwable failure = result.getThrowable().orElseThrow();
        assertInstanceOf(ExtensionConfigurationException.class, failure);
        assertTrue(failure.getMessage().startsWith("configuration parameter hygiene.junit.retain is "
                + "'com.acme.,com..bad': item 2 ('com..bad')"), failure.getMessage());
    }

    @Test
    void jdkValueInAPlainThreadLocalIsTheJdksAndIsLeftAlone() {
        EngineExecutionResults results = withHygiene(Samples.LeavesAJdkValue.class);

        assertTrue(Samples.SLOT.get().getClass().getName().startsWith("sun."), "a JDK class on this platform");
        assertEquals(Status.SUCCESSFUL, result(results, "keepsAJdkObjectInAPlainThreadLocal").getStatus());
    }

    @Test
    void retainAnnotationThatNamesNothingFailsTheTestSayingWhatToGive() {
        Throwable failure = failure(withHygiene(Samples.RetainsNothing.class), "namesNothingToRetain");

        assertInstanceOf(ExtensionConfigurationException.class, failure);
        assertTrue(failure.getMessage().startsWith("@RetainThreadLocals on "), failure.getMessage());
        assertTrue(failure.getMessage().contains("namesNothingToRetain() names nothing: give class-name prefixes"),
                failure.getMessage());
    }

    @Test
    void retainParameterLeavesTheEntryAsTheTestLeftIt() {
        EngineExecutionResults results = withHygiene(Samples.LeavesUser.class, ThreadHygieneExtension.RETAIN_PARAMETER,
                "org.example., dev.hygiene.junit.Samples$User");

        assertEquals(Status.SUCCESSFUL, result(results, "setsUserAndForgetsIt").getStatus());
        assertEquals(new User("alice"), Samples.USER.get(), "retained: hands off");
    }

    @Test
    void retainAnnotationOnATestKeepsItsEntryForTheRestOfTheClassAndOnlyForThatType() {
        EngineExecutionResults results = withHygiene(Samples.RetainsByAnnotation.class);

        assertEquals(Status.SUCCESSFUL, result(results, "keepsItsCache").getStatus());
        assertEquals(new Cached(7), Samples.SEEN.get("retained"), "the next test of the class sees it");
        Throwable failure = failure(results, "leavesAnotherTypeUnannotated");
        assertTrue(failure.getMessage().contains("holding a dev.hygiene.junit.Samples$ValueA"), failure.getMessage());
        assertEquals(Status.SUCCESSFUL, classResult(results, Samples.RetainsByAnnotation.class).getStatus(),
                "what a test retained is not the class's leftover");
        assertNull(Samples.CACHE.get(), "the class's scope removes it when the class ends");
    }

    @Test
    void retainAnnotationOnAClassLeavesTheEntry() {
        EngineExecutionResults results = withHygiene(Samples.RetainsOnClass.class);

        assertEquals(Status.SUCCESSFUL, result(results, "keepsItsCache").getStatus());
        assertEquals(Status.SUCCESSFUL, classResult(results, Samples.RetainsOnClass.class).getStatus());
        assertEquals(new Cached(7), Samples.CACHE.get(), "retained by the class: hands off");
    }

    @Test
    void leavesThreadLocalsReportsWithItsReasonWithoutFailingAndStillRestores() {
        EngineExecutionResults results = withHygiene(Samples.LeavesOnPurpose.class);

        assertEquals(Status.SUCCESSFUL, result(results, "setsUserOnPurpose").getStatus());
        String entry = reportEntry(results, "setsUserOnPurpose", ThreadHygieneExtension.REPORT_KEY).orElseThrow();
        assertTrue(entry.endsWith("Reported, not failed: @LeavesThreadLocals(\"proves that the user stays\")."), entry);
        assertNull(Samples.USER.get(), "restored");
    }
}
