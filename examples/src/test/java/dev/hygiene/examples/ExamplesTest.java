package dev.hygiene.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExamplesTest {

    @Test
    void quickStartSecondTaskSeesNoUser() throws Exception {
        String out = captureOut(() -> QuickStart.main(new String[0]));
        assertTrue(out.contains("second task saw: null"), out);
        assertTrue(out.contains("java.lang.ThreadLocal -> java.lang.String"), out);
    }

    @Test
    void replacedExecutorsLeaveNoTenantAndInheritNoRequestId() throws Exception {
        String[] seen = AdoptionExamples.replaceExecutors();
        assertNull(seen[0], "tenant left by the previous task");
        assertNull(seen[1], "request id inherited from the thread that created the worker");
        assertNull(seen[2], "tenant seen by the scheduled task");
    }

    @Test
    void callerRunsLeavesTheSubmitterAsItWas() {
        assertEquals("caller's own tenant", AdoptionExamples.callerRuns());
    }

    @Test
    void decoratedTaskLeavesNothingForTheNext() throws Exception {
        assertNull(AdoptionExamples.decorator());
    }

    @Test
    void completableFutureStagesRunInScopes() throws Exception {
        assertNull(AdoptionExamples.completableFuture());
    }

    @Test
    void adoptionExamplesMainRuns() throws Exception {
        String out = captureOut(() -> AdoptionExamples.main(new String[0]));
        assertTrue(out.contains("the submitter still holds caller's own tenant"), out);
    }

    interface Body {
        void run() throws Exception;
    }

    static String captureOut(Body body) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
