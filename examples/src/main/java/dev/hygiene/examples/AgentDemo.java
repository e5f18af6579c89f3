package dev.hygiene.examples;

import dev.hygiene.examples.Demo.Load;
import dev.hygiene.examples.DemoApp.Pool;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The agent demo: the demo's leaky application ({@link DemoApp}) on a plain
 * {@code Executors.newFixedThreadPool}, with not a line of hygiene in its code. Run it as it is, then
 * with {@code -javaagent:hygiene-agent.jar=mode=audit}: the same requests see other users' data in
 * both runs (AUDIT changes nothing), and under the agent the program prints what AUDIT found, read
 * from the agent's MBean {@code dev.hygiene:type=ThreadHygiene,name=agent}. With {@code mode=enforce}
 * no request sees another user.
 */
public final class AgentDemo {

    static final int REQUESTS = 1_000;
    static final String AGENT_MBEAN = "dev.hygiene:type=ThreadHygiene,name=agent";

    private AgentDemo() {
    }

    /**
     * Serves {@value #REQUESTS} requests on the plain pool and prints what they saw, then, under the
     * agent, its report.
     *
     * @param args ignored
     * @throws Exception if the run fails
     */
    public static void main(String[] args) throws Exception {
        Load load;
        try (DemoApp app = DemoApp.start(Pool.PLAIN)) {
            load = Demo.send(app, Demo.client(), REQUESTS);
            app.awaitIdle(Duration.ofSeconds(30));
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName agent = new ObjectName(AGENT_MBEAN);
        boolean underAgent = server.isRegistered(agent);
        System.out.printf("plain pool%s: %,d requests served, %,d saw another user%n",
                underAgent ? " under hygiene-agent (" + server.getAttribute(agent, "Mode") + ")" : ", no agent",
                load.served(), load.sawAnotherUser());
        if (underAgent) {
            System.out.printf("%nWhat the agent found (its MBean's Report):%n%s", server.getAttribute(agent, "Report"));
        }
        if (!load.failures().isEmpty()) {
            System.err.println(load.failures().size() + " requests got no response; the first:");
            load.failures().get(0).printStackTrace();
            System.exit(1);
        }
    }
}
