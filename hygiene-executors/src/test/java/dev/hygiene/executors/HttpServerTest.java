package dev.hygiene.executors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hygiene.core.ThreadHygiene;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The JDK's own HTTP server with a pool of two workers as its executor, and a handler with the
 * classic bug: it keeps the current user in a {@code ThreadLocal}, sets it from the
 * {@code X-User} header and never removes it. A request without the header reports the current
 * user it finds. Requests are sent one after the other with {@link HttpClient}.
 *
 * <p>The first two requests make a fixed pool start both of its workers, one each, so after two
 * requests as alice both workers have run her request, and whichever worker takes the next one,
 * the plain pool shows her to an anonymous request.
 */
class HttpServerTest {

    private static final ThreadLocal<String> CURRENT_USER = new ThreadLocal<>();

    private final List<HttpServer> servers = new ArrayList<>();
    private final List<ExecutorService> pools = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @AfterEach
    void stop() throws InterruptedException {
        for (HttpServer server : servers) {
            server.stop(0);
        }
        for (ExecutorService pool : pools) {
            pool.shutdownNow();
        }
        for (ExecutorService pool : pools) {
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), pool + " did not terminate");
        }
    }

    @Test
    void anonymousRequestNeverSeesAPreviousRequestsUser() throws Exception {
        URI control = start(Executors.newFixedThreadPool(2));
        assertEquals("hello alice", get(control, "alice"));
        assertEquals("hello alice", get(control, "alice"));
        assertEquals("anonymous sees alice", get(control, null), "control: the plain pool leaks the user");

        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        URI server = start(HygienicExecutors.newFixedThreadPool(2, hygiene));
        for (String user : List.of("alice", "bob", "carol", "dave", "erin")) {
            assertEquals("hello " + user, get(server, user));
            assertEquals("hello " + user, get(server, user));
            assertEquals("anonymous sees nobody", get(server, null), () -> "after two requests as " + user);
        }
        // A response goes out from inside its task, a little before the task's scope closes.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(10L,
                hygiene.stats().leftoversByType().get("java.lang.ThreadLocal -> java.lang.String"),
                () -> "each named request left its user, and each was undone\n" + hygiene.stats().report()));
    }

    /** Starts a server on a free port of 127.0.0.1 with {@code pool} as its executor. */
    private URI start(ExecutorService pool) throws IOException {
        pools.add(pool);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        servers.add(server);
        server.createContext("/whoami", HttpServerTest::whoami);
        server.setExecutor(pool);
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/whoami");
    }

    /** The handler, with the bug: the user set from the header is never removed. */
    private static void whoami(HttpExchange exchange) throws IOException {
        String header = exchange.getRequestHeaders().getFirst("X-User");
        String body;
        if (header != null) {
            CURRENT_USER.set(header);
            body = "hello " + CURRENT_USER.get();
        } else {
            String user = CURRENT_USER.get();
            body = "anonymous sees " + (user == null ? "nobody" : user);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private String get(URI uri, String user) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
        if (user != null) {
            request.header("X-User", user);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        return response.body();
    }
}
