package dev.hygiene.examples.spring;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs {@link LeakyBootService} twice on one Tomcat worker, first with {@code hygiene.enabled=false}
 * (as if hygiene-spring-boot were not there), then as it comes: alice calls with credentials, then
 * an anonymous request arrives on the same worker.
 */
public final class SpringBootDemo {

    private SpringBootDemo() {
    }

    /**
     * Runs the demo and prints what the anonymous request saw.
     *
     * @param args unused
     * @throws Exception if the service cannot start or answer
     */
    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /**
     * Runs the demo.
     *
     * @param out where to print
     * @return the lines printed
     * @throws Exception if the service cannot start or answer
     */
    public static List<String> run(PrintStream out) throws Exception {
        List<String> lines = new ArrayList<>();
        for (boolean hygiene : new boolean[] { false, true }) {
            String line = (hygiene ? "with hygiene-spring-boot:   " : "without (hygiene.enabled=false): ")
                    + "alice -> " + twoRequests(hygiene);
            out.println(line);
            lines.add(line);
        }
        return lines;
    }

    private static String twoRequests(boolean hygiene) throws Exception {
        SpringApplication app = new SpringApplication(LeakyBootService.class);
        try (ConfigurableApplicationContext context = app.run("--server.port=0", "--server.address=127.0.0.1",
                "--server.tomcat.threads.max=1", "--spring.main.banner-mode=off", "--logging.level.root=warn",
                "--hygiene.enabled=" + hygiene)) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + port + "/account");
            String alice = client.send(HttpRequest.newBuilder(uri).header("X-User", "alice").build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String anonymous = client.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return "'" + alice + "', then a request without credentials -> '" + anonymous + "'";
        }
    }
}
