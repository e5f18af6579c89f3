package dev.hygiene.spring.boot.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Real HTTP on 127.0.0.1 to a server with one request thread (Tomcat; Jetty keeps one worker
 * besides its acceptor and selector), an executor and a scheduler of one thread each.
 */
abstract class EndToEndSupport {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @Autowired
    LeakyApp.AsyncService asyncService;

    @Autowired
    LeakyApp.Ticker ticker;

    @Autowired
    org.springframework.boot.web.server.context.WebServerApplicationContext context;

    /** The server this run is meant to test: tomcat by default, jetty in hygiene-spring-boot-jetty. */
    @org.junit.jupiter.api.Test
    void runsOnTheExpectedServer() {
        String expected = System.getProperty("hygiene.expected.server", "tomcat");
        org.assertj.core.api.Assertions.assertThat(context.getWebServer().getClass().getName().toLowerCase())
                .contains(expected);
    }

    String get(String path) throws IOException, InterruptedException {
        return send(path).body();
    }

    static String thread(String seenOnThread) {
        return seenOnThread.substring(seenOnThread.lastIndexOf('@') + 1);
    }

    static String seen(String seenOnThread) {
        return seenOnThread.substring(0, seenOnThread.lastIndexOf('@'));
    }

    /**
     * What a request on {@code thread} sees. Tomcat has one request thread here; Jetty may also run
     * a request on its reserved thread, so this asks until a request lands on {@code thread}.
     */
    String peekOn(String thread) throws IOException, InterruptedException {
        for (int i = 0; i < 200; i++) {
            String peek = get("/peek");
            if (thread(peek).equals(thread)) {
                return seen(peek);
            }
        }
        throw new AssertionError("no request ran on " + thread);
    }

    HttpResponse<String> send(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    /** A POST of a JSON body; the caller checks the status. */
    HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    String async(String user) throws Exception {
        return asyncService.work(user).get(10, TimeUnit.SECONDS);
    }

    String scheduledRun() throws InterruptedException {
        String run = ticker.runs.poll(10, TimeUnit.SECONDS);
        if (run == null) {
            throw new AssertionError("no @Scheduled run within 10 s");
        }
        return run;
    }
}
