package dev.hygiene.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hygiene.executors.HygienicExecutors;
import dev.hygiene.testsupport.ChildProcess;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent in child JVMs started with {@code -javaagent:hygiene-agent.jar} and nothing else (no
 * {@code --add-opens}), each scenario of {@link AgentProbe} beside its control: the same program
 * without the agent, which shows the dirt.
 */
class AgentIT {

    private static final String LEFT = AgentProbe.LEFT;

    private static Path agentJar() {
        String value = System.getProperty("hygiene.agent.jar");
        if (value == null || !Files.exists(Path.of(value))) {
            fail("system property hygiene.agent.jar names no jar (" + value + "); run 'mvn -pl hygiene-agent -am "
                    + "verify', whose failsafe configuration sets it after the shaded jar is packaged");
        }
        return Path.of(value);
    }

    /** The test classes and hygiene-executors; hygiene-core comes from the agent jar, or is added for the control. */
    private static String classPath(boolean withCore) {
        try {
            List<String> entries = new ArrayList<>();
            entries.add(location(AgentProbe.class));
            entries.add(location(HygienicExecutors.class));
            if (withCore) {
                entries.add(location(dev.hygiene.core.ThreadHygiene.class));
            }
            return String.join(File.pathSeparator, entries);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static ChildProcess run(String agentOptions, List<String> jvmOptions, String... scenarios) {
        List<String> command = new ArrayList<>(jvmOptions);
        if (agentOptions != null) {
            command.add("-javaagent:" + agentJar() + (agentOptions.isEmpty() ? "" : "=" + agentOptions));
        }
        command.add("-cp");
        command.add(classPath(agentOptions == null));
        command.add(AgentProbe.class.getName());
        command.addAll(List.of(scenarios));
        return ChildProcess.runJava(command, AgentProbe.PREFIX);
    }

    private static ChildProcess withAgent(String... scenarios) {
        return run("", List.of(), scenarios).assertExitCode(0);
    }

    private static ChildProcess withoutAgent(String... scenarios) {
        return run(null, List.of(), scenarios).assertExitCode(0);
    }

    @Test
    void oneWorkerThreadPoolExecutorSeesNothingOfThePreviousTask() {
        withoutAgent("tpe").assertValue("tpe.local", LEFT).assertValue("tpe.inheritable", LEFT);
        withAgent("tpe").assertValue("tpe.local", "null").assertValue("tpe.inheritable", "null");
    }

    @Test
    void fixedPoolTasksNeverSeeEachOthersValues() {
        assertTrue(Integer.parseInt(withoutAgent("fixed").value("fixed.dirty")) > 0, "control: 40 tasks on 2 workers");
        withAgent("fixed").assertValue("fixed.dirty", "0");
    }

    @Test
    void eachRunOfAPeriodicTaskStartsClean() {
        withoutAgent("scheduled").assertValue("scheduled.finished", "true").assertValue("scheduled.dirty", "3");
        withAgent("scheduled").assertValue("scheduled.finished", "true").assertValue("scheduled.dirty", "0");
    }

    @Test
    void subclassWhoseHooksSkipSuperIsCleanedAllTheSame() {
        withoutAgent("hooksSkipSuper").assertValue("hooksSkipSuper.local", LEFT);
        withAgent("hooksSkipSuper").assertValue("hooksSkipSuper.local", "null")
                .assertValue("hooksSkipSuper.inheritable", "null");
    }

    @Test
    void forkJoinPoolOfOneWorkerSeesNothingOfThePreviousTask() {
        withoutAgent("forkJoin").assertValue("forkJoin.local", LEFT);
        withAgent("forkJoin").assertValue("forkJoin.local", "null").assertValue("forkJoin.inheritable", "null");
    }

    @Test
    void commonPoolTasksStartClean() {
        List<String> oneWorker = List.of("-Djava.util.concurrent.ForkJoinPool.common.parallelism=1");
        run(null, oneWorker, "commonPool").assertExitCode(0).assertValue("commonPool.local", LEFT);
        run("", oneWorker, "commonPool").assertExitCode(0).assertValue("commonPool.local", "null");
    }

    @Test
    void completableFutureAsyncStagesStartClean() {
        List<String> twoWorkers = List.of("-Djava.util.concurrent.ForkJoinPool.common.parallelism=2");
        run(null, twoWorkers, "completableFuture").assertExitCode(0).assertValue("completableFuture.local", LEFT);
        run("", twoWorkers, "completableFuture").assertExitCode(0).assertValue("completableFuture.local", "null");
    }

    @Test
    void lazilyCreatedWorkerStartsWithoutWhatItsCreatorHeld() {
        withoutAgent("inherited").assertValue("inherited.firstTaskSees", "request-context");
        withAgent("inherited").assertValue("inherited.firstTaskSees", "null");
    }

    @Test
    void aValueTheWorkerHeldBeforeItsFirstTaskIsPutBackAfterATaskOverwroteIt() {
        withoutAgent("baseline").assertValue("baseline.nextTaskSees", LEFT);
        withAgent("baseline").assertValue("baseline.nextTaskSees", "baseline");
    }

    @Test
    void auditLeavesTheDirtAndCountsIt() {
        ChildProcess audit = run("mode=audit", List.of(), "tpe", "stats").assertExitCode(0);
        audit.assertValue("tpe.local", LEFT).assertValue("tpe.inheritable", LEFT)
                .assertValue("stats.registered", "true").assertValue("stats.Mode", "AUDIT");
        // Task 1 left two values; tasks 2 and 3 only read them, and a leftover counts once.
        audit.assertValue("stats.Tasks", "3").assertValue("stats.TasksWithLeftovers", "1")
                .assertValue("stats.Leftovers", "2");
    }

    @Test
    void enforceRegistersTheMBeanNamedAgentAndCounts() {
        withAgent("tpe", "stats").assertValue("stats.registered", "true").assertValue("stats.Mode", "ENFORCE")
                .assertValue("stats.Tasks", "3").assertValue("stats.TasksWithLeftovers", "1")
                .assertValue("stats.Leftovers", "2");
        withoutAgent("stats").assertValue("stats.registered", "false");
    }

    @Test
    void queueRemoveShutdownNowAndCancelSeeTheCallersObjects() {
        for (ChildProcess child : List.of(withoutAgent("identity"), withAgent("identity"))) {
            child.assertValue("identity.queueHoldsTask", "true").assertValue("identity.removeFindsTask", "true")
                    .assertValue("identity.shutdownNowReturnsTask", "true")
                    .assertValue("identity.queueHoldsFuture", "true").assertValue("identity.cancel", "true");
        }
    }

    @Test
    void aHygienicPoolUnderTheAgentIsCleanedOnceByItsOwnHygiene() {
        withAgent("hygienicPool").assertValue("hygienicPool.local", "null")
                .assertValue("hygienicPool.ownTasks", "2").assertValue("hygienicPool.ownLeftovers", "1")
                .assertValue("hygienicPool.agentTasks", "0");
    }

    @Test
    void timerTasksSeeNothingOfThePreviousTask() {
        withoutAgent("timer").assertValue("timer.local", LEFT);
        withAgent("timer").assertValue("timer.local", "null");
    }

    @Test
    void aTasksExceptionReachesThePoolUnchanged() {
        withoutAgent("taskException").assertValue("taskException.afterExecuteSawIt", "true");
        withAgent("taskException").assertValue("taskException.afterExecuteSawIt", "true");
    }

    @Test
    void aTargetOfUnexpectedShapeIsLeftAloneWithOneWarningAndTheProgramRuns() {
        ChildProcess child = withAgent("oddShape").assertValue("oddShape.runs", "2");
        assertTrue(child.stderr().contains("hygiene-agent left org.jboss.threads.EnhancedQueueExecutor$ThreadBody alone"),
                child.describe());
        assertTrue(child.stderr().contains("2 calls of java.lang.Runnable.run()V where exactly one was expected"),
                child.describe());
    }

    @Test
    void startsWithOneInfoLineThatNamesWhatItInstruments() {
        ChildProcess child = withAgent("tpe");
        assertTrue(child.stderr().contains("hygiene-agent (ENFORCE, hygiene 'agent'): instrumented"), child.describe());
        assertFalse(child.stderr().contains("left java.util.concurrent"), child.describe());
    }

    @Test
    void aBadOptionStopsTheJvmWithAMessageThatNamesIt() {
        ChildProcess mode = run("mode=sometimes", List.of(), "tpe");
        assertEquals(HygieneJavaAgent.BAD_OPTION_EXIT, mode.exitCode(), mode.describe());
        assertTrue(mode.stderr().contains("hygiene-agent: agent option mode is 'sometimes'; allowed values are "
                + "enforce, audit and off"), mode.describe());
        assertFalse(mode.stdout().contains(AgentProbe.PREFIX), "main never ran");

        ChildProcess unknown = run("mdoe=audit", List.of(), "tpe");
        assertEquals(HygieneJavaAgent.BAD_OPTION_EXIT, unknown.exitCode(), unknown.describe());
        assertTrue(unknown.stderr().contains("agent option 'mdoe=audit' is not understood"), unknown.describe());

        ChildProcess retain = run("retain=com.example.:", List.of(), "tpe");
        assertEquals(HygieneJavaAgent.BAD_OPTION_EXIT, retain.exitCode(), retain.describe());
        assertTrue(retain.stderr().contains("agent option retain"), retain.describe());
    }

    @Test
    void modeOffInstrumentsNothing() {
        ChildProcess off = run("mode=off", List.of(), "tpe").assertExitCode(0);
        off.assertValue("tpe.local", LEFT);
        assertTrue(off.stderr().contains("hygiene-agent: mode OFF, nothing instrumented"), off.describe());
    }

    @Test
    void runLoopsThatAnotherAgentLoadedAndRanFirstAreRetransformedAndClean(@TempDir Path dir) throws Exception {
        Path preload = dir.resolve("preload-agent.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", PreloadAgent.class.getName());
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(preload), manifest)) {
            jar.flush();
        }
        String first = "-javaagent:" + preload;

        ChildProcess control = run(null, List.of(first), "tpe", "forkJoin").assertExitCode(0);
        assertTrue(control.stderr().contains("preload-agent: ran 1 task before hygiene's agent"), control.describe());
        control.assertValue("tpe.local", LEFT).assertValue("forkJoin.local", LEFT);

        ChildProcess child = run("", List.of(first), "tpe", "forkJoin").assertExitCode(0);
        assertTrue(child.stderr().contains("preload-agent: ran 1 task before hygiene's agent"), child.describe());
        assertTrue(child.stderr().contains("instrumented [java.util.concurrent.ForkJoinTask.doExec, "
                + "java.util.concurrent.ThreadPoolExecutor.runWorker]"), child.describe());
        child.assertValue("tpe.local", "null").assertValue("tpe.inheritable", "null").assertValue("forkJoin.local", "null");
    }

    @Test
    void virtualThreadsAndTheirCarriersAreLeftAlone() {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21 or later");
        withoutAgent("virtual").assertValue("virtual.kept", "100");
        withAgent("virtual").assertValue("virtual.kept", "100").assertValue("virtual.agentTasks", "0");
    }

    @Test
    void retainOptionKeepsThatTypeAcrossTasks() {
        run("retain=java.lang.String", List.of(), "tpe").assertExitCode(0).assertValue("tpe.local", LEFT);
    }
}
