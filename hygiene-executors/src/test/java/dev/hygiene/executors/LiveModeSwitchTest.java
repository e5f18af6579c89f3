package dev.hygiene.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.Mode;
import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.testsupport.RawMaps;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import org.junit.jupiter.api.Test;

/**
 * The MBean's writable {@code Mode}, written through the platform MBean server while a hygienic
 * pool runs tasks from several submitters: every task runs wholly in one mode, the counters stay
 * exact, and the entry each worker held before its first task survives a thousand switches.
 */
class LiveModeSwitchTest {

    private static final AtomicInteger NAMES = new AtomicInteger();

    /** What each worker holds before its first task: part of every snapshot. */
    static final ThreadLocal<String> BASELINE = new ThreadLocal<>();
    /** What every task leaves behind, a new value each time. */
    static final ThreadLocal<Object> LEFT = new ThreadLocal<>();

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    private static ThreadHygiene named(Mode mode) {
        return ThreadHygiene.of(HygienePolicy.builder().name("live-switch-" + NAMES.incrementAndGet()).mode(mode)
                .build());
    }

    private static ObjectName mbean(ThreadHygiene hygiene) throws Exception {
        return new ObjectName("dev.hygiene:type=ThreadHygiene,name=" + hygiene.policy().name());
    }

    /** Workers that set {@link #BASELINE} before they run their first task, outside any scope. */
    private static ThreadFactory baselineWorkers() {
        ThreadFactory plain = Executors.defaultThreadFactory();
        return r -> plain.newThread(() -> {
            BASELINE.set("baseline");
            r.run();
        });
    }

    @Test
    void switchingThroughJmxAThousandTimesUnderLoadKeepsEveryTaskInOneModeAndLosesNoBaselineEntry()
            throws Exception {
        ThreadHygiene hygiene = named(Mode.ENFORCE);
        ObjectName name = mbean(hygiene);
        HygienicThreadPoolExecutor pool = new HygienicThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), baselineWorkers(), hygiene);
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicLong ran = new AtomicLong();
        int submitters = 3;
        int perSubmitter = 4_000;
        ExecutorService submitting = Executors.newFixedThreadPool(submitters);
        CountDownLatch started = new CountDownLatch(submitters);
        List<Future<?>> submitted = new ArrayList<>();
        try {
            for (int s = 0; s < submitters; s++) {
                submitted.add(submitting.submit(() -> {
                    started.countDown();
                    for (int i = 0; i < perSubmitter; i++) {
                        pool.execute(() -> {
                            if (!"baseline".equals(BASELINE.get())) {
                                problems.add("a task saw baseline " + BASELINE.get());
                            }
                            String broken = RawMaps.brokenInvariant(Thread.currentThread(), false);
                            if (broken != null) {
                                problems.add(broken);
                            }
                            LEFT.set(new Object());
                            ran.incrementAndGet();
                        });
                    }
                    return null;
                }));
            }
            started.await();
            String[] modes = {"AUDIT", "off", "Enforce", "OFF", "audit", "ENFORCE"};
            for (int i = 0; i < 1_000; i++) {
                server.setAttribute(name, new Attribute("Mode", modes[i % modes.length]));
                assertEquals(modes[i % modes.length].toUpperCase(java.util.Locale.ROOT),
                        server.getAttribute(name, "Mode"));
            }
            for (Future<?> f : submitted) {
                f.get(60, TimeUnit.SECONDS);
            }
            server.setAttribute(name, new Attribute("Mode", "ENFORCE"));
            // Last, one task per worker that the baseline is still there, under ENFORCE.
            List<Future<String>> last = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                last.add(pool.submit(BASELINE::get));
            }
            for (Future<String> f : last) {
                assertEquals("baseline", f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            submitting.shutdown();
            pool.shutdown();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        }
        assertEquals(List.of(), List.copyOf(problems));
        assertEquals((long) submitters * perSubmitter, ran.get());
        long tasks = hygiene.stats().tasks();
        assertTrue(tasks > 0 && tasks <= ran.get() + 20, "tasks run in a scope: " + tasks);
        // Each task in a scope left exactly one leftover (its LEFT, added or changed): counted once each.
        assertEquals(hygiene.stats().tasksWithLeftovers(), hygiene.stats().leftovers(), hygiene.stats().report());
        assertTrue(hygiene.stats().tasksWithLeftovers() >= tasks - 20, hygiene.stats().report());
    }

    @Test
    void aPlainPoolLeavesWhatTasksLeftAndAnEnforcingOneDoesNot() throws Exception {
        // The dirty control of the test above: without hygiene the next task sees LEFT.
        ExecutorService plain = Executors.newSingleThreadExecutor();
        ThreadHygiene hygiene = named(Mode.OFF);
        HygienicThreadPoolExecutor pool = new HygienicThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), hygiene);
        try {
            plain.submit(() -> LEFT.set("dirt")).get();
            assertEquals("dirt", plain.submit(LEFT::get).get());

            pool.submit(() -> LEFT.set("dirt")).get();
            assertEquals("dirt", pool.submit(LEFT::get).get(), "OFF passes through");
            hygiene.switchMode(Mode.ENFORCE);
            assertEquals(Mode.ENFORCE, hygiene.mode());
            assertEquals(Mode.OFF, hygiene.policy().mode(), "the policy stays the configured one");
            pool.submit(() -> LEFT.set("more dirt")).get();
            assertEquals("dirt", pool.submit(LEFT::get).get(), "ENFORCE from the switch on puts back what was there");
        } finally {
            plain.shutdownNow();
            pool.shutdown();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        }
        assertEquals(1, hygiene.stats().tasksWithLeftovers(), hygiene.stats().report());
    }

    @Test
    void anUnknownModeIsRejectedNamingTheAllowedValuesAndChangesNothing() throws Exception {
        ThreadHygiene hygiene = named(Mode.AUDIT);
        ObjectName name = mbean(hygiene);
        RuntimeMBeanException e = assertThrows(RuntimeMBeanException.class,
                () -> server.setAttribute(name, new Attribute("Mode", "strict")));
        IllegalArgumentException cause = assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertTrue(cause.getMessage().contains("'strict'") && cause.getMessage().contains("allowed values are enforce, audit and off"),
                cause.getMessage());
        assertEquals("AUDIT", server.getAttribute(name, "Mode"));
        assertEquals(Mode.AUDIT, hygiene.mode());
        assertThrows(RuntimeMBeanException.class, () -> server.setAttribute(name, new Attribute("Mode", "")));
        assertEquals(Mode.AUDIT, hygiene.mode());
        assertThrows(NullPointerException.class, () -> hygiene.switchMode(null));
        assertEquals(Mode.AUDIT, hygiene.switchMode(Mode.AUDIT), "switching to the current mode changes nothing");
    }

    @Test
    void aTaskRunningWhileTheModeSwitchesFinishesInTheModeItStartedIn() throws Exception {
        ThreadHygiene hygiene = named(Mode.ENFORCE);
        HygienicThreadPoolExecutor pool = new HygienicThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), hygiene);
        try {
            pool.submit(() -> {
                LEFT.set("enforced");
                hygiene.switchMode(Mode.AUDIT);   // while this task's ENFORCE scope is open
            }).get();
            // The task's scope restored in ENFORCE; this one opened in AUDIT and leaves its value.
            assertNull(pool.submit(LEFT::get).get(), "the open scope finished in ENFORCE");
            pool.submit(() -> {
                LEFT.set("audited");
                hygiene.switchMode(Mode.ENFORCE);
            }).get();
            assertEquals("audited", pool.submit(LEFT::get).get(), "the open scope finished in AUDIT");
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        }
    }
}
