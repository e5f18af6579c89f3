package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.testsupport.ChildProcess;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A JVM that opens {@code java.lang} to nobody: no {@code --add-opens}, no agent. DESIGN.md: then
 * {@link ThreadHygiene#isSupported()} is false, building an ENFORCE or AUDIT hygiene fails at once
 * with a message that names the flag and the agent, and OFF always works.
 */
class WithoutAccessIT {

    /** What the message of the failure must name: both forms of the flag, and the agent. */
    private static final String[] FIXES = {
        "--add-opens java.base/java.lang=ALL-UNNAMED",
        "--add-opens java.base/java.lang=dev.hygiene.core",
        "-javaagent:hygiene-core.jar",
    };

    @Test
    void isNotSupportedWithoutOpensOrAgent() {
        ChildJvm.classPath(List.of(), "supported").assertExitCode(ChildProbe.EXIT_OK).assertValue("supported", "false");
    }

    @Test
    void enforcingFailsAtOnceNamingTheFlagAndTheAgent() {
        ChildJvm.classPath(List.of(), "enforcing").assertExitCode(ChildProbe.EXIT_OK)
                .assertValue("enforcing", "failed")
                .assertValue("enforcing.exception", UnsupportedOperationException.class.getName())
                .assertValueContains("enforcing.message", FIXES);
    }

    @Test
    void auditingFailsAtOnceNamingTheFlagAndTheAgent() {
        ChildJvm.classPath(List.of(), "auditing").assertExitCode(ChildProbe.EXIT_OK)
                .assertValue("auditing", "failed")
                .assertValue("auditing.exception", UnsupportedOperationException.class.getName())
                .assertValueContains("auditing.message", FIXES);
    }

    @Test
    void defaultsFailsAtOnceNamingTheFlagAndTheAgentWhenModeIsUnset() {
        ChildJvm.classPath(List.of(), "defaults").assertExitCode(ChildProbe.EXIT_OK)
                .assertValue("defaults", "failed")
                .assertValue("defaults.exception", UnsupportedOperationException.class.getName())
                .assertValueContains("defaults.message", FIXES);
    }

    @Test
    void offPolicyBuildsAndRunsTasksWithoutAccess() {
        ChildJvm.classPath(List.of(), "off", "supported").assertExitCode(ChildProbe.EXIT_OK)
                .assertValue("supported", "false")
                .assertValue("off.mode", "OFF")
                .assertValue("off.wrapsTask", "true")
                .assertValue("off.ran", "true")
                .assertValue("off.callable", "called")
                .assertValue("off.enter", "ok")
                .assertValue("off.tasks", "0")
                .assertValueContains("off.switchToENFORCE", "rejected", "cannot switch to ENFORCE", "--add-opens",
                        "Allowed without access: OFF")
                .assertValueContains("off.switchToAUDIT", "rejected", "cannot switch to AUDIT")
                .assertValue("off.modeAfterSwitches", "OFF");
    }

    @Test
    void defaultsWithModeOffWorksWithoutAccess() {
        ChildJvm.classPath(List.of("-Dhygiene.mode=off"), "defaults").assertExitCode(ChildProbe.EXIT_OK)
                .assertValue("defaults", "ok")
                .assertValue("defaults.mode", "OFF");
    }

    @Test
    void enforcingAroundTasksFailsBeforeAnyTaskRuns() {
        ChildProcess child = ChildJvm.classPath(List.of(), "clean");
        assertEquals(ChildProbe.EXIT_PROBE_FAILED, child.exitCode(), child::describe);
        assertTrue(child.stderr().contains(UnsupportedOperationException.class.getName()), child::describe);
        assertEquals(ChildProbe.LEFT_VALUE, child.value("clean.plain.local"), "control: the plain pool ran\n" + child);
        assertFalse(child.describe().contains("clean.hygienic.sameWorker"), child::describe);
    }

    @Test
    void onModulePathWithoutOpensIsNotSupportedAndNamesTheModuleForm() {
        ChildJvm.modulePath(List.of(), "module", "supported", "enforcing").assertExitCode(ChildProbe.EXIT_OK)
                .assertValue("module", "dev.hygiene.core")
                .assertValue("supported", "false")
                .assertValue("enforcing.exception", UnsupportedOperationException.class.getName())
                .assertValueContains("enforcing.message", "module dev.hygiene.core", FIXES[1], FIXES[2]);
    }

    @Test
    void onModulePathOpeningToAllUnnamedIsNotEnough() {
        List<String> opensToClassPath = ChildJvm.OPENS_TO_CLASS_PATH;
        ChildJvm.modulePath(opensToClassPath, "module", "supported").assertExitCode(ChildProbe.EXIT_OK)
                .assertValue("module", "dev.hygiene.core")
                .assertValue("supported", "false");
    }
}
