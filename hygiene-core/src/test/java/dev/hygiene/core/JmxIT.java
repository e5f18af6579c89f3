package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.testsupport.ChildProcess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A named hygiene in a JVM without {@code java.management} ({@code --limit-modules java.base}):
 * building it throws nothing, its tasks still run and are cleaned, and the missing MBean is logged
 * once, naming the cause. The control, the same probe in a JVM with the module, registers both MBeans.
 */
class JmxIT {

    /** What the one WARNING about the missing MBean starts with. */
    private static final String WITHOUT_MBEAN = "hygiene '" + JmxProbe.NAME + "' works without its MBean";

    private static ChildProcess probe(String... options) {
        List<String> jvmOptions = new ArrayList<>(ChildJvm.OPENS_TO_CLASS_PATH);
        jvmOptions.addAll(List.of(options));
        return ChildJvm.classPath(JmxProbe.class, jvmOptions).assertExitCode(ChildProbe.EXIT_OK);
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            count++;
        }
        return count;
    }

    @Test
    void namedHygieneRunsAndCleansWithoutJavaManagementAndSaysSoOnce() {
        ChildProcess child = probe("--limit-modules", "java.base")
                .assertValue("jmx.management", "false")
                .assertValue("jmx.first", "null")
                .assertValue("jmx.second", "null")
                .assertValue("jmx.sameWorker", "true")
                .assertValue("jmx.nextTaskSees", "null")
                .assertValue("jmx.tasks", "1")
                .assertValue("jmx.leftovers", "1");
        String stderr = child.stderr();
        assertEquals(1, occurrences(stderr, WITHOUT_MBEAN), child::describe);
        assertTrue(stderr.contains("NoClassDefFoundError: javax/management/"), child::describe);
        assertTrue(stderr.contains("java.management module"), child::describe);
        assertTrue(stderr.contains("jmx(false)"), child::describe);
    }

    @Test
    void controlWithJavaManagementRegistersBothUnderDistinctNames() {
        ChildProcess child = probe()
                .assertValue("jmx.management", "true")
                .assertValue("jmx.first", "dev.hygiene:type=ThreadHygiene,name=" + JmxProbe.NAME)
                .assertValue("jmx.second", "dev.hygiene:type=ThreadHygiene,name=" + JmxProbe.NAME + "-2")
                .assertValue("jmx.nextTaskSees", "null")
                .assertValue("jmx.tasks", "1");
        assertFalse(child.stderr().contains(WITHOUT_MBEAN), child::describe);
    }
}
