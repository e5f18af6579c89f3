package dev.hygiene.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.Mode;
import dev.hygiene.core.TaskScope;
import dev.hygiene.core.ThreadHygiene;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HygieneMetricsTest {

    static final class Session {
    }

    static final class Tenant {
    }

    static final ThreadLocal<Session> SESSION = new ThreadLocal<>();
    static final ThreadLocal<Tenant> TENANT = new ThreadLocal<>();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void clear() {
        SESSION.remove();
        TENANT.remove();
        registry.close();
    }

    private static ThreadHygiene hygiene(Mode mode, String name) {
        return ThreadHygiene.of(HygienePolicy.builder().mode(mode).name(name).build());
    }

    private double count(String name) {
        return registry.get(name).tag("hygiene", "metrics-test").functionCounter().count();
    }

    private FunctionCounter byType(String local, String value) {
        return registry.find(HygieneMetrics.LEFTOVERS_BY_TYPE).tag("local", local).tag("value", value).functionCounter();
    }

    @Test
    void countsTasksAndLeftoversOfAnEnforcingHygiene() {
        ThreadHygiene hygiene = hygiene(Mode.ENFORCE, "metrics-test");
        new HygieneMetrics(hygiene).bindTo(registry);
        try (TaskScope scope = hygiene.enter("clean")) {
            assertNull(SESSION.get());
        }
        try (TaskScope scope = hygiene.enter("leaky")) {
            SESSION.set(new Session());
            TENANT.set(new Tenant());
        }
        assertNull(SESSION.get(), "enforce removed the leak");
        assertEquals(2, count(HygieneMetrics.TASKS));
        assertEquals(1, count(HygieneMetrics.TASKS_WITH_LEFTOVERS));
        assertEquals(2, count(HygieneMetrics.LEFTOVERS));
        assertEquals(0, count(HygieneMetrics.STALE_EXPUNGED));
        FunctionCounter session = byType(ThreadLocal.class.getName(), Session.class.getName());
        assertNotNull(session, registry.getMetersAsString());
        assertEquals(1, session.count());
        assertEquals(1, byType(ThreadLocal.class.getName(), Tenant.class.getName()).count());
        assertEquals(0, byType(HygieneMetrics.OTHER, HygieneMetrics.OTHER).count());
    }

    @Test
    void auditingHygieneShowsTheLeakThatStays() {
        ThreadHygiene hygiene = hygiene(Mode.AUDIT, "metrics-test");
        new HygieneMetrics(hygiene).bindTo(registry);
        try (TaskScope scope = hygiene.enter("leaky")) {
            SESSION.set(new Session());
        }
        assertNotNull(SESSION.get(), "audit leaves the leak");
        assertEquals(1, count(HygieneMetrics.TASKS_WITH_LEFTOVERS));
        assertEquals(1, count(HygieneMetrics.LEFTOVERS));
    }

    @Test
    void offHygieneCountsNothingAsTheControl() {
        ThreadHygiene hygiene = hygiene(Mode.OFF, "metrics-test");
        new HygieneMetrics(hygiene).bindTo(registry);
        try (TaskScope scope = hygiene.enter("leaky")) {
            SESSION.set(new Session());
        }
        assertNotNull(SESSION.get(), "without hygiene the next task sees the leak");
        assertEquals(0, count(HygieneMetrics.TASKS));
        assertEquals(0, count(HygieneMetrics.LEFTOVERS));
    }

    @Test
    void typesPastTheBoundCountUnderOtherAndRowsNeverGoDown() {
        ThreadHygiene hygiene = hygiene(Mode.ENFORCE, "metrics-test");
        new HygieneMetrics(hygiene, 1).bindTo(registry);
        try (TaskScope scope = hygiene.enter("first")) {
            SESSION.set(new Session());
        }
        assertEquals(1, count(HygieneMetrics.LEFTOVERS)); // a read names the types seen so far
        try (TaskScope scope = hygiene.enter("second")) {
            TENANT.set(new Tenant());
            SESSION.set(new Session());
        }
        assertEquals(3, count(HygieneMetrics.LEFTOVERS));
        assertEquals(2, byType(ThreadLocal.class.getName(), Session.class.getName()).count());
        assertNull(byType(ThreadLocal.class.getName(), Tenant.class.getName()), "past the bound");
        assertEquals(1, byType(HygieneMetrics.OTHER, HygieneMetrics.OTHER).count());
        assertEquals(3, registry.find(HygieneMetrics.LEFTOVERS_BY_TYPE).functionCounters().size() + 1);
    }

    @Test
    void metersKeepCountingAfterTheBinderIsCollected() {
        ThreadHygiene hygiene = hygiene(Mode.ENFORCE, "metrics-test");
        new HygieneMetrics(hygiene).bindTo(registry);
        try (TaskScope scope = hygiene.enter("leaky")) {
            SESSION.set(new Session());
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        assertEquals(1, count(HygieneMetrics.LEFTOVERS));
        assertEquals(0, byType(HygieneMetrics.OTHER, HygieneMetrics.OTHER).count());
        assertEquals(1, byType(ThreadLocal.class.getName(), Session.class.getName()).count());
    }

    @Test
    void rejectsABoundOutsideTheStatsOwn() {
        ThreadHygiene hygiene = hygiene(Mode.OFF, "metrics-test");
        assertThrows(IllegalArgumentException.class, () -> new HygieneMetrics(hygiene, -1));
        assertThrows(IllegalArgumentException.class, () -> new HygieneMetrics(hygiene, 1025));
    }
}
