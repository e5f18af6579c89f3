package dev.hygiene.spring.boot.tomcat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.Mode;
import dev.hygiene.core.ThreadHygiene;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.boot.tomcat.TomcatProtocolHandlerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the starter's filter cannot see on Tomcat, measured: the decision against an executor-level
 * mode (README, "Not covered by the filter"). Tomcat's single worker runs every task it is given
 * in an auditing scope of hygiene's own ({@link #CONTAINER}, around Tomcat's executor, which is
 * what such a mode would be), while the starter's filter enforces inside it.
 *
 * <ul>
 * <li>A trivial request changes nothing on the worker outside the filter's scope that stays: the
 *     container-level audit counts no leftover per request after the first few (per-thread caches
 *     created once). So for an application that leaks only in its own code, an executor mode would
 *     find nothing more than the filter undoes.
 * <li>A valve, which runs before the filter chain, that leaks: the filter cannot undo it (the next
 *     request sees it, the control), and the container-level audit counts it. This is what needs
 *     the agent, which rewrites Tomcat's executor without code.
 * </ul>
 */
@SpringBootTest(classes = OutsideTheFilterTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "spring.main.banner-mode=off" })
@DirtiesContext
class OutsideTheFilterTest {

    /** The auditing scope around each of Tomcat's worker tasks. */
    static final ThreadHygiene CONTAINER = ThreadHygiene.of(HygienePolicy.builder().mode(Mode.AUDIT).build());
    static final ExecutorService WORKER = Executors.newSingleThreadExecutor();
    static final ThreadLocal<String> SET_BY_VALVE = new ThreadLocal<>();
    static final String LEAK_HEADER = "X-Valve-Leak";
    static final int REQUESTS = 200;

    /** A trivial application with the starter, Tomcat's executor audited, and a valve that can leak. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(App.Hello.class)
    static class App {

        @Bean
        TomcatProtocolHandlerCustomizer<?> auditedWorker() {
            return handler -> handler.setExecutor(task -> WORKER.execute(CONTAINER.wrap(task)));
        }

        @Bean
        TomcatContextCustomizer leakyValve() {
            return context -> context.getPipeline().addValve(new ValveBase() {
                @Override
                public void invoke(Request request, Response response) throws IOException, ServletException {
                    String leak = request.getHeader(LEAK_HEADER);
                    if (leak != null) {
                        SET_BY_VALVE.set(leak);   // forgets remove(): outside every filter
                    }
                    getNext().invoke(request, response);
                }
            });
        }

        @RestController
        static class Hello {
            @GetMapping("/hello")
            String hello() {
                return "hello";
            }

            @GetMapping("/peek-valve")
            String peek() {
                return String.valueOf(SET_BY_VALVE.get());
            }
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    ThreadHygiene spring;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @AfterAll
    static void stopWorker() {
        WORKER.shutdownNow();
    }

    private String get(String path, String leak) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (leak != null) {
            request.header(LEAK_HEADER, leak);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    @Test
    void aTrivialRequestLeavesNothingOutsideTheFilterAndAValveLeakIsSeenOnlyThere() throws Exception {
        for (int i = 0; i < 10; i++) {
            get("/hello", null);   // the worker's per-thread caches, created once
        }
        long tasksBefore = CONTAINER.stats().tasks();
        long leftoversBefore = CONTAINER.stats().leftovers();
        long filteredBefore = spring.stats().tasks();
        for (int i = 0; i < REQUESTS; i++) {
            assertThat(get("/hello", null)).isEqualTo("hello");
        }
        long containerTasks = CONTAINER.stats().tasks() - tasksBefore;
        long outside = CONTAINER.stats().leftovers() - leftoversBefore;
        System.out.printf("OutsideTheFilterTest: %d requests, %d container tasks, %d filter scopes, %d leftovers "
                + "outside the filter (%s); the filter undid %d in all (%s)%n", REQUESTS, containerTasks,
                spring.stats().tasks() - filteredBefore, outside, CONTAINER.stats().leftoversByType(),
                spring.stats().leftovers(), spring.stats().leftoversByType());
        // A kept-alive connection may serve several requests in one of Tomcat's tasks.
        assertThat(containerTasks).as("control: Tomcat ran its work on the audited executor").isPositive();
        assertThat(spring.stats().tasks() - filteredBefore).as("every request ran in the filter").isGreaterThanOrEqualTo(REQUESTS);
        assertThat(outside).as("leftovers outside the filter for %d trivial requests: %s", REQUESTS,
                CONTAINER.stats().leftoversByType()).isLessThan(REQUESTS / 20);

        get("/hello", "alice");
        assertThat(get("/peek-valve", null)).as("control: the filter cannot undo what a valve left").isEqualTo("alice");
        // Counted as Tomcat's task closes, which may be after the response was sent.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(CONTAINER.stats().leftoversByType())
                .as("the executor-level audit sees it").containsKey("java.lang.ThreadLocal -> java.lang.String"));
    }
}
