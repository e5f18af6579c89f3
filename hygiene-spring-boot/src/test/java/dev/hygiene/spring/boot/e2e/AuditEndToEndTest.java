package dev.hygiene.spring.boot.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hygiene.core.Mode;
import dev.hygiene.core.ThreadHygiene;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/** AUDIT: the leak stays, and the endpoint and the meters show it. */
@SpringBootTest(classes = LeakyApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "hygiene.mode=audit",
                "server.address=127.0.0.1", "server.tomcat.threads.max=1", "server.tomcat.threads.min-spare=1",
                "server.jetty.threads.max=4", "server.jetty.threads.min=4", "server.jetty.threads.acceptors=1", "server.jetty.threads.selectors=1",
                "spring.task.execution.pool.core-size=1", "spring.task.execution.pool.max-size=1",
                "spring.task.scheduling.pool.size=1", "management.endpoints.web.exposure.include=hygiene" })
@DirtiesContext
class AuditEndToEndTest extends EndToEndSupport {

    @Autowired
    MeterRegistry registry;

    @Autowired
    ThreadHygiene hygiene;

    @Test
    void theEndpointSwitchesTheModeLiveAndRefusesAnUnknownOne() throws Exception {
        HttpResponse<String> refused = postJson("/actuator/hygiene", "{\"mode\":\"strict\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(hygiene.mode()).isEqualTo(Mode.AUDIT);
        try {
            HttpResponse<String> switched = postJson("/actuator/hygiene", "{\"mode\":\"enforce\"}");
            assertThat(switched.statusCode()).as(switched.body()).isEqualTo(200);
            assertThat(switched.body()).contains("\"previousMode\":\"AUDIT\"", "\"mode\":\"ENFORCE\"");
            assertThat(get("/actuator/hygiene")).contains("\"mode\":\"ENFORCE\"");
            String alice = get("/login?user=alice");
            // What the audited period left on the thread stays under ENFORCE; alice's request is undone.
            assertThat(peekOn(thread(alice))).doesNotStartWith("alice");
        } finally {
            hygiene.switchMode(Mode.AUDIT);
        }
        String bob = get("/login?user=bob");
        assertThat(peekOn(thread(bob))).startsWith("bob,tenant-of-bob");
    }

    @Test
    void auditLeavesTheLeakAndTheEndpointAndMetersCountIt() throws Exception {
        String alice = get("/login?user=alice");
        assertThat(peekOn(thread(alice))).startsWith("alice,tenant-of-alice");

        String body = get("/actuator/hygiene");
        assertThat(body).contains("\"name\":\"spring\"", "\"mode\":\"AUDIT\"",
                "\"java.lang.ThreadLocal -> java.lang.String\":",
                "\"java.lang.InheritableThreadLocal -> java.lang.String\":", "\"report\":");
        Matcher leftovers = Pattern.compile("\"leftovers\":(\\d+)").matcher(body);
        assertThat(leftovers.find()).isTrue();
        assertThat(Long.parseLong(leftovers.group(1))).isGreaterThanOrEqualTo(2);

        assertThat(registry.get("hygiene.leftovers").tag("hygiene", "spring").functionCounter().count())
                .isGreaterThanOrEqualTo(2);
        assertThat(registry.get("hygiene.tasks.with.leftovers").tag("hygiene", "spring").functionCounter().count())
                .isGreaterThanOrEqualTo(1);
        assertThat(registry.get("hygiene.leftovers.by.type").tag("local", "java.lang.ThreadLocal")
                .tag("value", "java.lang.String").functionCounter().count()).isGreaterThanOrEqualTo(1);
    }
}
