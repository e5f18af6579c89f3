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

/** Real HTTP on 127.0.0.1 to a server with one request thread, executor and scheduler of one thread. */
abstract class EndToEndSupport {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @Autowired
    LeakyApp.AsyncService asyncService;

    @Autowired
    LeakyApp.Ticker ticker;

    String get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
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
