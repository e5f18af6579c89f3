package dev.hygiene.agent;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Real servers and event loops in a child JVM, with and without the agent, for AgentServersIT: each
 * request (or task) first reports what a previous one left in a {@code ThreadLocal} of the worker,
 * then leaves its own. Prints {@code probe.<scenario>.dirty=<requests that saw another's value>}.
 * Servers listen on 127.0.0.1, port 0, and are stopped before the probe ends.
 */
public final class ServerProbe {

    static final ThreadLocal<String> USER = new ThreadLocal<>();
    static final int REQUESTS = 20;

    private ServerProbe() {
    }

    public static void main(String[] args) throws Exception {
        for (String scenario : args) {
            switch (scenario) {
                case "tomcat": tomcat(); break;
                case "jetty": jetty(); break;
                case "netty": netty(); break;
                default: throw new IllegalArgumentException("no scenario " + scenario);
            }
        }
        System.out.flush();
    }

    /** What a request handler does: say what the thread held, then leave this request's user. */
    static String handle(String user) {
        String seen = USER.get();
        USER.set(user);
        return seen == null ? "clean" : "saw " + seen;
    }

    private static void tomcat() throws Exception {
        Path base = Files.createTempDirectory("hygiene-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", "2");
        connector.setProperty("minSpareThreads", "1");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.toString());
        Tomcat.addServlet(context, "leaky", new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("text/plain");
                response.getWriter().write(handle(request.getParameter("user")));
            }
        });
        context.addServletMappingDecoded("/", "leaky");
        tomcat.start();
        try {
            ServerProbe.print("tomcat", requests(connector.getLocalPort()));
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    private static void jetty() throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("jetty");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String user = Request.extractQueryParameters(request).getValue("user");
                Content.Sink.write(response, true, ServerProbe.handle(user), callback);
                return true;
            }
        });
        server.start();
        try {
            print("jetty", requests(connector.getLocalPort()));
        } finally {
            server.stop();
        }
    }

    /** Netty: tasks executed on one event loop. */
    private static void netty() throws Exception {
        DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
        try {
            EventLoop loop = group.next();
            int dirty = 0;
            for (int i = 0; i < REQUESTS; i++) {
                String user = "user-" + i;
                dirty += loop.submit(() -> handle(user)).get(60, TimeUnit.SECONDS).startsWith("saw") ? 1 : 0;
            }
            System.out.println("probe.netty.dirty=" + dirty);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(60, TimeUnit.SECONDS);
        }
    }

    /** Sends sequential requests as different users; returns how many saw another's user. */
    private static int requests(int port) throws IOException {
        int dirty = 0;
        for (int i = 0; i < REQUESTS; i++) {
            HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/?user=user-" + i)
                    .toURL().openConnection();
            connection.setConnectTimeout(30_000);
            connection.setReadTimeout(30_000);
            try (InputStream in = connection.getInputStream()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                dirty += body.startsWith("saw") ? 1 : 0;
            }
        }
        return dirty;
    }

    private static void print(String scenario, int dirty) {
        System.out.println("probe." + scenario + ".dirty=" + dirty);
    }
}
