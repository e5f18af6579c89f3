package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.hygiene.testsupport.ChildProcess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A JVM without the module {@code jdk.jfr} ({@code --limit-modules java.base}, as a trimmed runtime
 * image has it): tasks that leave something are restored, counted and heard exactly as with it,
 * and nothing is thrown; only the JFR events are off. See {@link LeftoverEvents}.
 */
class WithoutJfrIT {

    private static final List<String> WITHOUT_JFR = List.of("--limit-modules", "java.base");

    @Test
    void leftoversAreRestoredCountedAndHeardWithoutJdkJfrOnTheClassPath() {
        assertWorksWithoutJfr(ChildJvm.classPath(options(ChildJvm.OPENS_TO_CLASS_PATH, WITHOUT_JFR), "leftovers"));
    }

    @Test
    void leftoversAreRestoredCountedAndHeardWithoutJdkJfrOnTheModulePath() {
        ChildProcess child = ChildJvm.modulePath(options(ChildJvm.OPENS_TO_MODULE, WITHOUT_JFR), "module", "leftovers");
        child.assertExitCode(ChildProbe.EXIT_OK).assertValue("module", "dev.hygiene.core");
        assertWorksWithoutJfr(child);
    }

    @Test
    void controlTheSameChildHasJdkJfrWithoutTheLimit() {
        ChildJvm.classPath(ChildJvm.OPENS_TO_CLASS_PATH, "leftovers").assertExitCode(ChildProbe.EXIT_OK)
                .assertValue("leftovers.jfrModule", "true")
                .assertValue("leftovers.enforce.count", String.valueOf(ChildProbe.LEFTOVERS));
    }

    private static void assertWorksWithoutJfr(ChildProcess child) {
        String leftovers = String.valueOf(ChildProbe.LEFTOVERS);
        child.assertExitCode(ChildProbe.EXIT_OK)
                .assertValue("leftovers.jfrModule", "false")
                .assertValue("leftovers.enforce.count", leftovers)
                .assertValue("leftovers.enforce.heard", leftovers)
                .assertValue("leftovers.enforce.local", "null")
                .assertValue("leftovers.audit.count", leftovers)
                .assertValue("leftovers.audit.heard", leftovers)
                .assertValue("leftovers.audit.local", ChildProbe.LEFT_VALUE);
        // The probe's named hygienes also report their missing MBean (no java.management); only a
        // failure to link jdk.jfr is this test's business.
        assertFalse(child.stderr().contains("jdk/jfr") || child.stderr().contains("jdk.jfr"), child::describe);
    }

    private static List<String> options(List<String> first, List<String> second) {
        List<String> options = new ArrayList<>(first);
        options.addAll(second);
        return options;
    }
}
