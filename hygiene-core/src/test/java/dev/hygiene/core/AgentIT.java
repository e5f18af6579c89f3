package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hygiene.testsupport.ChildProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every supported way of opening {@code java.lang} to hygiene-core (DESIGN.md, "Access to the JDK's
 * internals"), each in a child JVM without any other: the agent ({@code -javaagent},
 * {@code Launcher-Agent-Class}), {@code --add-opens} and the manifest's {@code Add-Opens}, on the
 * class path and on the module path. In each, ENFORCE must clean a pooled worker, and the same task
 * sequence without hygiene, in the same JVM, must show the dirt it left.
 */
class AgentIT {

    private static List<String> agent() {
        return List.of("-javaagent:" + ChildJvm.coreJar());
    }

    private static List<String> plus(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The next task on the worker sees what task 1 left without hygiene, and nothing with it. */
    private static void assertEnforceCleansWorker(ChildProcess child) {
        child.assertExitCode(ChildProbe.EXIT_OK)
                .assertValue("supported", "true")
                .assertValue("enforcing", "ok")
                .assertValue("clean.plain.sameWorker", "true")
                .assertValue("clean.plain.local", ChildProbe.LEFT_VALUE)
                .assertValue("clean.plain.inheritable", ChildProbe.LEFT_VALUE)
                .assertValue("clean.hygienic.sameWorker", "true")
                .assertValue("clean.hygienic.local", "null")
                .assertValue("clean.hygienic.inheritable", "null")
                .assertValue("clean.hygienic.tasks", "1")
                .assertValue("clean.hygienic.leftovers", "2");
    }

    @Test
    void agentMakesHygieneSupportedWithoutAddOpens() {
        ChildJvm.classPath(agent(), "supported", "auditing").assertExitCode(ChildProbe.EXIT_OK)
                .assertValue("supported", "true")
                .assertValue("auditing", "ok")
                .assertValue("auditing.mode", "AUDIT");
    }

    @Test
    void agentLetsEnforceCleanThePooledWorker() {
        assertEnforceCleansWorker(ChildJvm.classPath(agent(), "supported", "enforcing", "clean"));
    }

    @Test
    void agentStartsWithoutWarnings() {
        ChildProcess child = ChildJvm.classPath(agent(), "supported").assertExitCode(ChildProbe.EXIT_OK);
        assertEquals("", child.stderr(), child::describe);
    }

    @Test
    void addOpensToAllUnnamedLetsEnforceCleanThePooledWorker() {
        assertEnforceCleansWorker(ChildJvm.classPath(ChildJvm.OPENS_TO_CLASS_PATH, "supported", "enforcing", "clean"));
    }

    @Test
    void launcherAgentClassOfExecutableJarLetsEnforceCleanThePooledWorker(@TempDir Path dir) {
        assertEnforceCleansWorker(ChildJvm.executableJar(dir,
                Map.of("Launcher-Agent-Class", HygieneAgent.class.getName()), "supported", "enforcing", "clean"));
    }

    @Test
    void addOpensOfExecutableJarLetsEnforceCleanThePooledWorker(@TempDir Path dir) {
        assertEnforceCleansWorker(ChildJvm.executableJar(dir,
                Map.of("Add-Opens", "java.base/java.lang"), "supported", "enforcing", "clean"));
    }

    @Test
    void executableJarWithoutEitherAttributeIsNotSupported(@TempDir Path dir) {
        ChildJvm.executableJar(dir, Map.of(), "supported").assertExitCode(ChildProbe.EXIT_OK)
                .assertValue("supported", "false");
    }

    @Test
    void agentOnModulePathOpensJavaLangToTheNamedModule() {
        ChildProcess child = ChildJvm.modulePath(agent(), "module", "supported", "enforcing", "clean");
        child.assertValue("module", "dev.hygiene.core");
        assertEnforceCleansWorker(child);
    }

    @Test
    void addOpensToTheModuleLetsEnforceCleanOnModulePath() {
        ChildProcess child = ChildJvm.modulePath(ChildJvm.OPENS_TO_MODULE, "module", "supported", "enforcing", "clean");
        child.assertValue("module", "dev.hygiene.core");
        assertEnforceCleansWorker(child);
    }

    @Test
    void agentAndAddOpensTogetherStillWork() {
        assertEnforceCleansWorker(ChildJvm.classPath(plus(agent(), ChildJvm.OPENS_TO_CLASS_PATH),
                "supported", "enforcing", "clean"));
    }
}
