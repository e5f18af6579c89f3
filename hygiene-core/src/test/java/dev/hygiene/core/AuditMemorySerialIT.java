package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hygiene.testsupport.ChildProcess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link AuditMemoryTest} under the Serial collector, whose frequent young collections change when keys are cleared. */
class AuditMemorySerialIT {

    @Test
    void auditKeepsNoMoreStaleEntriesThanAPlainThreadUnderSerialGc() {
        List<String> options = new ArrayList<>(ChildJvm.OPENS_TO_CLASS_PATH);
        options.add("-XX:+UseSerialGC");
        options.add("-Xmx1g");
        ChildProcess child = ChildJvm.classPath(AuditMemoryTest.class, options).assertExitCode(0);
        int plain = Integer.parseInt(child.value("plain"));
        int audit = Integer.parseInt(child.value("audit"));
        System.out.printf("AuditMemorySerialIT: plain %d, audit %d, enforce %s values alive%n", plain, audit,
                child.value("enforce"));
        AuditMemoryTest.assertNoMoreThanPlain(new AuditMemoryTest.Held(plain, plain),
                new AuditMemoryTest.Held(audit, audit), 0.15);
        assertEquals("0", child.value("enforce"), "ENFORCE keeps no value alive");
    }
}
