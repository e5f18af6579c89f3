package dev.hygiene.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.testsupport.ChildProcess;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Real servers under the agent, in child JVMs: Tomcat's and Jetty's request workers and a Netty
 * event loop. Without the agent, requests see the user a previous request left on their worker;
 * with it, none does.
 */
class AgentServersIT {

    /** One class from each jar the servers need, so the child gets exactly those jars. */
    private static final String[] MARKERS = {
        "org.apache.catalina.startup.Tomcat", "jakarta.annotation.Resource",
        "org.eclipse.jetty.server.Server", "org.eclipse.jetty.http.HttpField", "org.eclipse.jetty.io.EndPoint",
        "org.eclipse.jetty.util.thread.QueuedThreadPool", "org.slf4j.Logger",
        "io.netty.channel.DefaultEventLoopGroup", "io.netty.util.concurrent.EventExecutor",
        "io.netty.buffer.ByteBuf", "io.netty.resolver.AddressResolver",
    };

    private static String classPath(boolean withCore) {
        Set<String> entries = new LinkedHashSet<>();
        try {
            entries.add(location(ServerProbe.class));
            for (String marker : MARKERS) {
                entries.add(location(Class.forName(marker)));
            }
            if (withCore) {
                entries.add(location(dev.hygiene.core.ThreadHygiene.class));
            }
        } catch (ClassNotFoundException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static ChildProcess run(boolean agent, String scenario) {
        List<String> command = new ArrayList<>();
        if (agent) {
            command.add("-javaagent:" + System.getProperty("hygiene.agent.jar"));
        }
        command.addAll(List.of("-cp", classPath(!agent), ServerProbe.class.getName(), scenario));
        return ChildProcess.runJava(command, "probe.").assertExitCode(0);
    }

    private static int dirty(ChildProcess child, String scenario) {
        return Integer.parseInt(child.value(scenario + ".dirty"));
    }

    private static void assertCleanOnlyWithTheAgent(String scenario) {
        ChildProcess plain = run(false, scenario);
        assertTrue(dirty(plain, scenario) > 0, "control: without the agent some of " + ServerProbe.REQUESTS
                + " requests on " + scenario + " saw another's user\n" + plain.describe());
        ChildProcess hygienic = run(true, scenario);
        assertTrue(dirty(hygienic, scenario) == 0, "with the agent no request on " + scenario
                + " sees another's user\n" + hygienic.describe());
    }

    @Test
    void tomcatRequestsNeverSeeAnotherRequestsUser() {
        assertCleanOnlyWithTheAgent("tomcat");
    }

    @Test
    void jettyRequestsNeverSeeAnotherRequestsUser() {
        assertCleanOnlyWithTheAgent("jetty");
    }

    @Test
    void nettyEventLoopTasksNeverSeeAnotherTasksUser() {
        assertCleanOnlyWithTheAgent("netty");
    }
}
