package dev.hygiene.core;

import dev.hygiene.core.internal.TestAccess;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.lang.reflect.Array;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.JMException;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hygiene with a name shows its mode and counters in the platform MBean server as
 * {@code dev.hygiene:type=ThreadHygiene,name=<name>}: registration never fails (a taken name gets a
 * suffix, an odd name is quoted), a policy can turn it off, an unnamed hygiene stays out, and the
 * MBean goes away with its hygiene. Each check reads the MBean server, as a JMX console would, so
 * it fails if registration went silent.
 */
class JmxTest {

    private static final Duration GC_TIMEOUT = Duration.ofSeconds(60);
    private static final String STRING_ROW = "java.lang.ThreadLocal -> java.lang.String";
    private static final String INTEGER_ROW = "java.lang.ThreadLocal -> java.lang.Integer";

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final List<ThreadLocal<Object>> locals = new ArrayList<>();
    private ReusedThread thread;

    @BeforeEach
    void start() {
        thread = new ReusedThread("jmx-worker");
    }

    @AfterEach
    void stop() {
        thread.close();
    }

    private static ThreadHygiene named(String name) {
        return ThreadHygiene.of(HygienePolicy.builder().name(name).build());
    }

    /** Runs {@code task} on the worker thread between {@code hygiene.enter()} and {@code close()}. */
    private void runTask(ThreadHygiene hygiene, Runnable task) {
        thread.run(() -> {
            try (TaskScope scope = hygiene.enter(task)) {
                task.run();
            }
        });
    }

    /**
     * A task that leaves {@code value} in a new {@code ThreadLocal} and does not remove it. The test
     * holds the {@code ThreadLocal}, so that a GC cannot make the entry stale before it is counted.
     */
    private Runnable leaving(Object value) {
        ThreadLocal<Object> local = new ThreadLocal<>();
        locals.add(local);
        return () -> local.set(value);
    }

    /** The registered MBean of {@code hygiene}; fails if it has none. */
    private ObjectName registered(ThreadHygiene hygiene) throws JMException {
        String name = hygiene.mbeanName();
        assertNotNull(name, () -> hygiene + " registered no MBean");
        ObjectName objectName = new ObjectName(name);
        assertTrue(server.isRegistered(objectName), () -> name + " is not in the platform MBean server");
        return objectName;
    }

    private Object attribute(ObjectName name, String attribute) throws JMException {
        return server.getAttribute(name, attribute);
    }

    /** The rows of an MXBean map attribute, in the order the MBean server gives them. */
    private Map<String, Long> rows(ObjectName name, String attribute) throws JMException {
        TabularData table = (TabularData) attribute(name, attribute);
        Map<String, Long> rows = new LinkedHashMap<>();
        for (Object row : table.values()) {
            CompositeData data = (CompositeData) row;
            rows.put((String) data.get("key"), (Long) data.get("value"));
        }
        return rows;
    }

    private Set<ObjectName> hygieneMBeans() throws JMException {
        return server.queryNames(new ObjectName(TestAccess.MBEAN_DOMAIN + ":type=" + TestAccess.MBEAN_TYPE + ",*"), null);
    }

    // ---- what the MBean shows

    @Test
    void registersUnderItsNameWithModeAndCountersOfTasksThatLeftThreadLocals() throws JMException {
        ThreadHygiene hygiene = named("jmx-counters");
        runTask(hygiene, leaving("a"));
        runTask(hygiene, leaving("b"));
        Runnable leaveC = leaving("c");
        Runnable leave42 = leaving(42);
        runTask(hygiene, () -> {
            leaveC.run();
            leave42.run();
        });
        runTask(hygiene, () -> { });
        runTask(hygiene, () -> {
            ThreadLocal<String> tidy = new ThreadLocal<>();
            tidy.set("d");
            tidy.remove();
        });

        ObjectName name = registered(hygiene);
        assertEquals("dev.hygiene:type=ThreadHygiene,name=jmx-counters", hygiene.mbeanName());
        assertEquals("jmx-counters", attribute(name, "Name"));
        assertEquals("ENFORCE", attribute(name, "Mode"));
        assertEquals(5L, attribute(name, "Tasks"));
        assertEquals(3L, attribute(name, "TasksWithLeftovers"));
        assertEquals(4L, attribute(name, "Leftovers"));
        assertEquals(0L, attribute(name, "StaleExpunged"));
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put(STRING_ROW, 3L);
        expected.put(INTEGER_ROW, 1L);
        assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(rows(name, "TopLeftoverTypes").entrySet()));
        String report = (String) attribute(name, "Report");
        assertTrue(report.contains("hygiene 'jmx-counters' (ENFORCE): 5 tasks, 3 with leftovers, 4 leftovers"), report);
        assertTrue(report.contains(STRING_ROW), report);

        runTask(hygiene, leaving("e"));
        assertEquals(6L, attribute(name, "Tasks"), "attributes are live, not a copy taken at registration");
        assertEquals(5L, attribute(name, "Leftovers"));
    }

    @Test
    void auditingHygieneShowsItsModeAndTheSameCounts() throws JMException {
        ThreadHygiene audit = ThreadHygiene.of(HygienePolicy.builder().name("jmx-audit").mode(Mode.AUDIT).build());
        runTask(audit, leaving(7));
        ObjectName name = registered(audit);
        assertEquals("AUDIT", attribute(name, "Mode"));
        assertEquals(1L, attribute(name, "Leftovers"));
        assertEquals(Map.of(INTEGER_ROW, 1L), rows(name, "TopLeftoverTypes"));
    }

    @Test
    void topLeftoverTypesAreTheTwentyMostFrequentRowsCountFirstThenName() throws JMException {
        ThreadHygiene audit = ThreadHygiene.of(HygienePolicy.builder().name("jmx-top").mode(Mode.AUDIT).build());
        List<Class<?>> types = List.of(String.class, Integer.class, Long.class, Short.class, Byte.class,
                Double.class, Float.class, Character.class, Boolean.class, StringBuilder.class, Object.class,
                Thread.class, Runnable.class, Number.class, Class.class, Enum.class, Void.class, Math.class,
                System.class, Runtime.class, Process.class, Module.class, Iterable.class, Comparable.class,
                CharSequence.class);
        for (int i = 0; i < types.size(); i++) {
            Object array = Array.newInstance(types.get(i), 0);
            for (int n = 0; n < 1 + i % 3; n++) {
                runTask(audit, leaving(array));
            }
        }
        Map<String, Long> all = audit.stats().leftoversByType();
        assertEquals(types.size(), all.size(), audit.stats().report());
        List<Map.Entry<String, Long>> expected = new ArrayList<>(all.entrySet());
        expected.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        expected = expected.subList(0, ThreadHygieneMXBean.TOP_LEFTOVER_TYPES);

        ObjectName name = registered(audit);
        assertEquals(20, ThreadHygieneMXBean.TOP_LEFTOVER_TYPES);
        assertEquals(expected, new ArrayList<>(rows(name, "TopLeftoverTypes").entrySet()));
        ThreadHygieneMXBean proxy = JMX.newMXBeanProxy(server, name, ThreadHygieneMXBean.class);
        assertEquals(expected, new ArrayList<>(proxy.getTopLeftoverTypes().entrySet()),
                "a typed proxy, as a Java client would use, sees the same rows");
        assertEquals(audit.stats().report(), proxy.getReport());
    }

    // ---- which hygienes register, under which name

    @Test
    void secondHygieneOfTheSameNameGetsSuffixTwoAndThirdGetsThree() throws JMException {
        ThreadHygiene first = named("jmx-clash");
        ThreadHygiene second = named("jmx-clash");
        ThreadHygiene third = named("jmx-clash");
        assertEquals("dev.hygiene:type=ThreadHygiene,name=jmx-clash", registered(first).toString());
        assertEquals("dev.hygiene:type=ThreadHygiene,name=jmx-clash-2", registered(second).toString());
        assertEquals("dev.hygiene:type=ThreadHygiene,name=jmx-clash-3", registered(third).toString());
        assertEquals("jmx-clash", attribute(registered(second), "Name"), "the Name attribute has no suffix");

        runTask(second, leaving("x"));
        assertEquals(0L, attribute(registered(first), "Tasks"), "each MBean shows its own hygiene's counters");
        assertEquals(1L, attribute(registered(second), "Tasks"));
    }

    @Test
    void releaseUnregistersAtOnceSoTheNextHygieneOfThatNameGetsThePlainName() throws JMException {
        ThreadHygiene first = named("jmx-restart");
        ObjectName plain = registered(first);
        assertEquals("dev.hygiene:type=ThreadHygiene,name=jmx-restart", plain.toString());
        ThreadHygiene whileTaken = named("jmx-restart");
        assertEquals("dev.hygiene:type=ThreadHygiene,name=jmx-restart-2", registered(whileTaken).toString(),
                "control: without release the plain name is taken");
        whileTaken.release();

        first.release();
        assertFalse(server.isRegistered(plain), "release unregisters without waiting for the GC");
        assertNull(first.mbeanName());
        first.release();    // a second release does nothing

        ThreadHygiene restarted = named("jmx-restart");
        assertEquals("dev.hygiene:type=ThreadHygiene,name=jmx-restart", registered(restarted).toString());
        runTask(first, leaving("still"));
        assertEquals(1L, first.stats().tasks(), "a released hygiene keeps working and counting");
        assertEquals(1L, first.stats().leftovers());
        assertEquals(0L, attribute(registered(restarted), "Tasks"), "the new MBean shows only the new hygiene");
        restarted.release();
        Reference.reachabilityFence(first);
    }

    @Test
    void jmxFalseNeverRegistersEvenWithAName() throws JMException {
        Set<ObjectName> before = hygieneMBeans();
        ThreadHygiene quiet = ThreadHygiene.of(HygienePolicy.builder().name("jmx-quiet").jmx(false).build());
        runTask(quiet, leaving("x"));
        assertNull(quiet.mbeanName());
        assertTrue(server.queryNames(new ObjectName("dev.hygiene:type=ThreadHygiene,name=jmx-quiet*"), null).isEmpty());
        assertNoneAdded(before);
        ThreadHygiene control = named("jmx-quiet");
        assertEquals("dev.hygiene:type=ThreadHygiene,name=jmx-quiet", registered(control).toString(),
                "control: the same name registers without jmx(false)");
    }

    @Test
    void unnamedHygienesDoNotRegister() throws JMException {
        Set<ObjectName> before = hygieneMBeans();
        List<ThreadHygiene> unnamed = List.of(ThreadHygiene.enforcing(), ThreadHygiene.auditing(),
                ThreadHygiene.of(HygienePolicy.builder().mode(Mode.OFF).build()));
        for (ThreadHygiene hygiene : unnamed) {
            assertFalse(hygiene.policy().jmx(), hygiene::toString);
            assertNull(hygiene.mbeanName(), hygiene::toString);
        }
        assertNoneAdded(before);
    }

    private void assertNoneAdded(Set<ObjectName> before) throws JMException {
        Set<ObjectName> added = new HashSet<>(hygieneMBeans());
        added.removeAll(before);
        assertEquals(Set.of(), added);
    }

    @Test
    void jmxTrueWithoutANameRegistersUnderTheDefaultPolicyName() throws JMException {
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().jmx(true).build());
        ObjectName name = registered(hygiene);
        assertTrue(name.getKeyProperty("name").matches("hygiene(-\\d+)?"), name::toString);
        assertEquals(HygienePolicy.DEFAULT_NAME, attribute(name, "Name"));
    }

    @Test
    void defaultsRegistersAsDefault() throws JMException {
        ThreadHygiene defaults = ThreadHygiene.defaults();
        ObjectName name = registered(defaults);
        assertTrue(name.getKeyProperty("name").matches("default(-\\d+)?"), name::toString);
        assertEquals("default", attribute(name, "Name"));
        assertEquals(defaults.policy().mode().name(), attribute(name, "Mode"));
    }

    @Test
    void offModeHygieneWithANameRegistersShowingOff() throws JMException {
        ThreadHygiene off = ThreadHygiene.of(HygienePolicy.builder().name("jmx-kill-switch").mode(Mode.OFF).build());
        assertEquals("OFF", attribute(registered(off), "Mode"));
    }

    @Test
    void namesWithCharactersAnObjectNameCannotHoldAreQuoted() throws JMException {
        for (String odd : List.of("a,b", "k=v", "host:8080", "say \"hi\"", "pool*", "who?", "two\nlines")) {
            ThreadHygiene hygiene = named(odd);
            ObjectName name = registered(hygiene);
            assertEquals(ObjectName.quote(odd), name.getKeyProperty("name"), odd);
            assertEquals(odd, ObjectName.unquote(name.getKeyProperty("name")));
            assertFalse(name.isPattern(), name::toString);
            assertEquals(odd, attribute(name, "Name"));
        }
        ThreadHygiene clash = named("a,b");
        assertEquals(ObjectName.quote("a,b-2"), registered(clash).getKeyProperty("name"),
                "the suffix goes inside the quotes");
    }

    @Test
    void ordinaryNamesStayUnquoted() throws JMException {
        for (String plain : List.of("http workers", "orders.v2", "pool_1 (batch)", "päckchen")) {
            ThreadHygiene hygiene = named(plain);
            assertEquals(plain, registered(hygiene).getKeyProperty("name"));
        }
    }

    // ---- lifetime

    /** Builds a named hygiene, runs a task under it on a thread that then ends, and forgets it. */
    private ObjectName registerAndDrop(String name) throws JMException {
        ThreadHygiene hygiene = named(name);
        try (ReusedThread worker = new ReusedThread("jmx-dropped")) {
            worker.run(hygiene, leaving("x"));
        }
        return new ObjectName(hygiene.mbeanName());
    }

    @Test
    void unregistersOnceTheHygieneIsCollected() throws JMException {
        ThreadHygiene kept = named("jmx-kept");
        ObjectName keptName = registered(kept);
        ObjectName dropped = registerAndDrop("jmx-dropped");
        assertTrue(server.isRegistered(dropped), "registered while its hygiene may still be reachable");

        await().atMost(GC_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return !server.isRegistered(dropped);
        });
        assertTrue(server.isRegistered(keptName), "control: the MBean of a hygiene still in use stays");
        Reference.reachabilityFence(kept);
    }

    // ---- the policy setting

    @Test
    void policyRegistersByDefaultExactlyWhenNamed() {
        assertFalse(HygienePolicy.builder().build().jmx());
        assertTrue(HygienePolicy.builder().name("pool").build().jmx());
        assertFalse(HygienePolicy.builder().name("pool").jmx(false).build().jmx());
        assertTrue(HygienePolicy.builder().jmx(true).build().jmx());
        assertTrue(HygienePolicy.builder().name("pool").build().toString().contains("jmx=true"));
    }

    @Test
    void builderRejectsSettingJmxTwiceNamingTheFirstValueAndKeepsIt() {
        HygienePolicy.Builder builder = HygienePolicy.builder().name("pool").jmx(false);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> builder.jmx(true));
        assertEquals("jmx was already set to false", e.getMessage());
        assertThrows(IllegalStateException.class, () -> builder.jmx(false));
        assertFalse(builder.build().jmx());
    }
}
