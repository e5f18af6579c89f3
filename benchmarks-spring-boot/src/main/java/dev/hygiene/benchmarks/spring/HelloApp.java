package dev.hygiene.benchmarks.spring;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The trivial application of both benchmarks ({@link SpringBootRequestBenchmark.App}) running on
 * embedded Tomcat on {@code 127.0.0.1} and an ephemeral port, with a {@code java.net.http.HttpClient}
 * (HTTP/1.1, kept-alive connections) for its {@code GET /hello}, whose every answer is checked.
 */
final class HelloApp {

    final ConfigurableApplicationContext context;
    private final HttpClient client;
    private final HttpRequest hello;

    /**
     * Starts the application.
     *
     * @param arguments further command-line arguments for Spring, such as {@code --hygiene.enabled=false}
     */
    HelloApp(String... arguments) {
        String[] all = new String[arguments.length + 4];
        all[0] = "--server.address=127.0.0.1";
        all[1] = "--server.port=0";
        all[2] = "--spring.main.banner-mode=off";
        all[3] = "--logging.level.root=WARN";
        System.arraycopy(arguments, 0, all, 4, arguments.length);
        context = new SpringApplication(SpringBootRequestBenchmark.App.class).run(all);
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        hello = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
    }

    /**
     * Sends one {@code GET /hello} and waits for its answer.
     *
     * @return the body
     * @throws IOException if the request fails
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if the answer is not 200 with the controller's body
     */
    String get() throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(hello, HttpResponse.BodyHandlers.ofString());
        String body = response.body();
        if (response.statusCode() != 200 || !SpringBootRequestBenchmark.BODY.equals(body)) {
            throw new IllegalStateException("GET /hello answered " + response.statusCode() + ": " + body);
        }
        return body;
    }
}
