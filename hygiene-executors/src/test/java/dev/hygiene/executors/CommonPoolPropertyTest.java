package dev.hygiene.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.testsupport.ChildProcess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link HygienicForkJoinWorkerThreadFactory} as the common pool's factory, installed the documented
 * way, {@code -Djava.util.concurrent.ForkJoinPool.common.threadFactory=...}, in child JVMs of the JDK
 * that runs the tests. Each child runs {@link CommonPoolProbe} with the test class path, with
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} unless a test says otherwise, and with
 * {@code java.util.concurrent.ForkJoinPool.common.parallelism=1}, so that consecutive tasks share
 * one worker whatever the machine's core count.
 *
 * <p>What the JDK does without the property, observed on 17.0.15 and 25.0.3 and asserted by
 * {@link #withoutThePropertyTheJdksCommonPoolWorkersInheritNothingAndAreCleared()}: the common pool's
 * own workers already inherit nothing and lose what tasks leave.
 * <ul>
 * <li>JDK 17: {@code DefaultCommonPoolForkJoinWorkerThreadFactory} builds plain
 *     {@code ForkJoinWorkerThread}s flagged innocuous: each erases its thread-locals when it starts
 *     and again after every top-level task ({@code WorkQueue.topLevelExec}).
 * <li>JDK 25: the default factory builds {@code InnocuousForkJoinWorkerThread}s for the common
 *     pool, made with {@code inheritThreadLocals = false} and cleared whenever idle
 *     ({@code ForkJoinPool.awaitWork}).
 * </ul>
 * With the property, in ENFORCE mode, workers inherit nothing on both releases and are cleared
 * when idle on JDK 25 only: on JDK 17 what a task leaves stays for the next task, where the JDK's
 * own workers would have erased it. In AUDIT and OFF mode the factory's workers inherit and keep
 * everything, unlike the JDK's (a bug, see {@link #offModeFactoryBuildsCommonPoolWorkersAsTheJdkDoes()}).
 * A factory whose constructor throws (a bad {@code hygiene.mode}, or no access to
 * {@code java.lang} in ENFORCE mode) is silently ignored by the JDK, which falls back to its
 * default factory without a word.
 */
class CommonPoolPropertyTest {

    private static final String FACTORY_PROPERTY = "-Djava.util.concurrent.ForkJoinPool.common.threadFactory="
            + HygienicForkJoinWorkerThreadFactory.class.getName();
    private static final String OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    private static final boolean JDK_17 = Runtime.version().feature() < 19;

    @Test
    void withoutThePropertyTheJdksCommonPoolWorkersInheritNothingAndAreCleared() {
        ChildProcess child = run(OPENS);
        assertTrue(child.value("factory").startsWith("java.util.concurrent.ForkJoinPool$"),
                () -> "the JDK's own factory\n" + child.describe());
        assertTrue(child.value("worker").startsWith("java.util.concurrent.ForkJoinWorkerThread"),
                () -> "the JDK's own worker class\n" + child.describe());
        child.assertValue("inherited", "null")
                .assertValue("systemLoader", "true")
                .assertValue("afterIdle", "null")
                .assertValue("sameWorker", "true");
    }

    @Test
    void hygienicFactoryMakesCommonPoolWorkersThatInheritNothing() {
        ChildProcess child = run(OPENS, FACTORY_PROPERTY);
        child.assertValue("factory", HygienicForkJoinWorkerThreadFactory.class.getName())
                .assertValue("inherited", "null")
                .assertValue("systemLoader", "true")
                .assertValue("sameWorker", "true");
        // JDK 19+: our own worker class; JDK 17: the JDK's default factory's worker, cleaned by startClean.
        assertEquals(!JDK_17, child.value("worker").startsWith("dev.hygiene.executors."),
                () -> "worker class\n" + child.describe());
        // JDK 17 copies the value and startClean removes and counts it; JDK 19+ never copies it.
        child.assertValue("hygiene", "ENFORCE leftovers=" + (JDK_17 ? 1 : 0));
        // What a task leaves: cleared when the worker goes idle on JDK 19+; kept on JDK 17, where the
        // JDK's own common-pool workers would have erased it (see the class comment).
        child.assertValue("afterIdle", JDK_17 ? "alice" : "null");
    }

    /**
     * AUDIT and OFF build workers with the JDK's public default factory
     * ({@code ForkJoinPool.defaultForkJoinWorkerThreadFactory}). On JDK 19+ that factory gives the
     * common pool the same innocuous workers as without the property: nothing inherited, cleared
     * when idle, nothing to count. On JDK 17 it gives plain workers, which inherit (AUDIT counts
     * it) and keep what tasks leave: the JDK's own innocuous common-pool workers are built by a
     * constructor only {@code java.util.concurrent} can call, which the README and the factory's
     * javadoc say.
     */
    @Test
    void auditModeFactoryWorkersAreTheJdkDefaultFactorysAndCountWhatTheyInherited() {
        ChildProcess audit = run(OPENS, FACTORY_PROPERTY, "-Dhygiene.mode=audit");
        audit.assertValue("factory", HygienicForkJoinWorkerThreadFactory.class.getName())
                .assertValue("systemLoader", "true")
                .assertValue("sameWorker", "true");
        assertTrue(audit.value("worker").startsWith("java.util.concurrent.ForkJoinWorkerThread"),
                () -> "the JDK's default factory's worker\n" + audit.describe());
        audit.assertValue("inherited", JDK_17 ? "request-42" : "null")
                .assertValue("hygiene", "AUDIT leftovers=" + (JDK_17 ? 1 : 0))
                .assertValue("afterIdle", JDK_17 ? "alice" : "null");
    }

    /** OFF: see {@link #auditModeFactoryWorkersAreTheJdkDefaultFactorysAndCountWhatTheyInherited()}. */
    @Test
    void offModeFactoryWorkersAreTheJdkDefaultFactorys() {
        ChildProcess off = run(OPENS, FACTORY_PROPERTY, "-Dhygiene.mode=off");
        off.assertValue("factory", HygienicForkJoinWorkerThreadFactory.class.getName())
                .assertValue("hygiene", "OFF leftovers=0")
                .assertValue("sameWorker", "true")
                .assertValue("inherited", JDK_17 ? "request-42" : "null")
                .assertValue("afterIdle", JDK_17 ? "alice" : "null");
        assertTrue(off.value("worker").startsWith("java.util.concurrent.ForkJoinWorkerThread"),
                () -> "the JDK's default factory's worker\n" + off.describe());
    }

    @Test
    void badHygieneModeMakesTheJdkIgnoreTheFactorySilentlyAndTheCommonPoolStillWorks() {
        ChildProcess child = run(OPENS, FACTORY_PROPERTY, "-Dhygiene.mode=bogus");
        assertTrue(child.value("factory").startsWith("java.util.concurrent.ForkJoinPool$"),
                () -> "the JDK's own factory\n" + child.describe());
        assertTrue(child.value("worker").startsWith("java.util.concurrent.ForkJoinWorkerThread"),
                () -> "the JDK's own worker class\n" + child.describe());
        child.assertValue("inherited", "null").assertValue("afterIdle", "null");
        assertTrue(child.value("hygiene").startsWith("error: java.lang.IllegalArgumentException: system property "
                + "hygiene.mode is 'bogus'"), () -> "ThreadHygiene.defaults() names the property\n" + child.describe());
        assertFalse(child.stderr().contains("hygiene"), () -> "the JDK reports nothing\n" + child.describe());
    }

    @Test
    void withoutAccessToJavaLangTheJdkIgnoresTheEnforcingFactorySilently() {
        ChildProcess child = run(FACTORY_PROPERTY);
        assertTrue(child.value("factory").startsWith("java.util.concurrent.ForkJoinPool$"),
                () -> "the JDK's own factory\n" + child.describe());
        assertTrue(child.value("hygiene").startsWith("error: java.lang.UnsupportedOperationException"),
                () -> "ENFORCE needs access\n" + child.describe());
        child.assertValue("inherited", "null");
        assertFalse(child.stderr().contains("hygiene"), () -> "the JDK reports nothing\n" + child.describe());
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Runs {@link CommonPoolProbe} in a child JVM of this JDK with this JVM's class path and exactly
     * the given options (see {@link ChildProcess}), and asserts that it exited normally within
     * {@link ChildProcess#TIMEOUT}.
     */
    private static ChildProcess run(String... options) {
        List<String> arguments = new ArrayList<>(Arrays.asList(options));
        arguments.add("-Djava.util.concurrent.ForkJoinPool.common.parallelism=1");
        arguments.add("-cp");
        arguments.add(System.getProperty("java.class.path"));
        arguments.add(CommonPoolProbe.class.getName());
        return ChildProcess.runJava(arguments, CommonPoolProbe.PREFIX).assertExitCode(0);
    }
}
