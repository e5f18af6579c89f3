package dev.hygiene.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.core.HygieneStats;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the demo's three runs once, as {@code Demo.main} does, and checks what its table claims: the
 * plain pool shows the bugs (the control), AUDIT counts them and names the handlers that left
 * them, ENFORCE leaves no trace of them.
 */
class DemoTest {

    private static final String ORDERS = "dev.hygiene.examples.DemoApp$OrdersHandler";
    private static final String REPORT = "dev.hygiene.examples.DemoApp$ReportHandler";
    private static final String HEALTH = "dev.hygiene.examples.DemoApp$HealthHandler";

    private static List<Demo.Result> results;
    private static Demo.Result plain;
    private static Demo.Result audit;
    private static Demo.Result enforce;

    @BeforeAll
    static void runTheDemo() throws Exception {
        results = Demo.runAll();
        plain = results.get(0);
        audit = results.get(1);
        enforce = results.get(2);
        System.out.print(Demo.report(results));
    }

    @Test
    void everyRequestIsServedInEveryRun() {
        for (Demo.Result r : results) {
            assertEquals(List.of(), r.failures(), r.pool().label);
            assertEquals(Demo.REQUESTS, r.served(), r.pool().label);
        }
    }

    @Test
    void plainPoolShowsAnotherRequestsUserAndKeepsStaleBuffers() {
        assertTrue(plain.sawAnotherUser() > 0, "the forgotten security context reaches later requests");
        assertTrue(plain.stale().entries() > 0, "the per-request ThreadLocals leave stale entries");
        assertEquals((long) plain.stale().entries() * DemoApp.BUFFER_BYTES, plain.stale().bufferBytes(),
                "each stale entry holds one report buffer");
    }

    @Test
    void heapRetainedIsWhatTheStaleBuffersHold() {
        long buffers = plain.stale().bufferBytes();
        assertTrue(plain.heapRetained() >= buffers * 0.9 && plain.heapRetained() <= buffers * 1.1 + (2 << 20),
                () -> "measured " + plain.heapRetained() + " bytes retained, the stale buffers hold " + buffers);
    }

    @Test
    void auditLeavesTheDirtAndCountsIt() {
        assertTrue(audit.sawAnotherUser() > 0, "audit changes nothing");
        assertTrue(audit.stale().entries() > 0, "audit changes nothing");
        assertTrue(audit.stats().leftovers() > 0);
        assertEquals(0, audit.stats().staleExpunged(), "audit expunges nothing");
    }

    @Test
    void auditReportNamesTheLeakingHandlersAndNotTheCleanOne() {
        Map<String, Long> byTask = audit.stats().leftoversByTask();
        assertTrue(byTask.containsKey(ORDERS), byTask::toString);
        assertTrue(byTask.containsKey(REPORT), byTask::toString);
        assertFalse(byTask.containsKey(HEALTH), byTask::toString);
        assertTrue(byTask.keySet().stream().noneMatch(task -> task.startsWith("sun.net.httpserver.")),
                () -> "leftovers are blamed on the handlers, not on the JDK's exchange: " + byTask);
        Map<String, Long> byType = audit.stats().leftoversByType();
        assertTrue(byType.containsKey("java.lang.ThreadLocal -> dev.hygiene.examples.DemoApp$User"), byType::toString);
        assertTrue(byType.containsKey("java.lang.InheritableThreadLocal -> java.lang.String"), byType::toString);
        assertTrue(byType.containsKey("java.lang.ThreadLocal -> java.util.HashMap"), byType::toString);
        String report = audit.stats().report();
        assertTrue(report.contains(ORDERS) && report.contains(REPORT), report);
    }

    @Test
    void enforceLetsNoRequestSeeAnotherUserAndLeavesNothing() {
        HygieneStats stats = enforce.stats();
        assertEquals(0, enforce.sawAnotherUser());
        assertEquals(0, enforce.stale().entries());
        assertTrue(Math.abs(enforce.heapRetained()) < (1 << 20),
                () -> "the workers hold " + enforce.heapRetained() + " bytes");
        assertTrue(stats.leftovers() > 0, "ENFORCE counts what it undid");
        assertEquals(2L * Demo.REQUESTS, stats.tasks(), "a scope for each exchange and one for each handler");
    }

    @Test
    void printsTheTableAndTheAuditReport() {
        String out = Demo.report(results);
        for (String line : List.of("plain pool", "hygiene AUDIT", "hygiene ENFORCE", "saw another",
                "stale entries", "heap retained by", "leftovers counted", "left by task type")) {
            assertTrue(out.contains(line), () -> line + " missing from\n" + out);
        }
    }
}
