package dev.hygiene.spring.boot.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

@SpringBootTest(classes = LeakyApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "server.tomcat.threads.max=1", "server.tomcat.threads.min-spare=1",
                "server.jetty.threads.max=4", "server.jetty.threads.min=4", "server.jetty.threads.acceptors=1", "server.jetty.threads.selectors=1",
                "spring.task.execution.pool.core-size=1", "spring.task.execution.pool.max-size=1",
                "spring.task.scheduling.pool.size=1", "management.endpoints.web.exposure.include=hygiene" })
@DirtiesContext
class EnforceEndToEndTest extends EndToEndSupport {

    static final String CLEAN = "null,null,null";

    @Test
    void aRequestsForgottenThreadLocalsNeverReachTheNextRequest() throws Exception {
        String alice = get("/login?user=alice");
        assertThat(seen(alice)).isEqualTo(CLEAN);
        assertThat(peekOn(thread(alice))).isEqualTo(CLEAN);
        assertThat(seen(get("/login?user=bob"))).isEqualTo(CLEAN);
    }

    @Test
    void anAsyncDispatchLeavesNothingOnTheRequestThreadOrTheExecutor() throws Exception {
        var carol = send("/async?user=carol");
        assertThat(carol.body()).isEqualTo(CLEAN);
        assertThat(peekOn(carol.headers().firstValue(LeakyApp.THREAD_HEADER).orElseThrow())).isEqualTo(CLEAN);
        assertThat(get("/async?user=dave")).isEqualTo(CLEAN);
    }

    @Test
    void asyncTasksStartClean() throws Exception {
        assertThat(async("erin")).isEqualTo(CLEAN);
        assertThat(async("frank")).isEqualTo(CLEAN);
    }

    @Test
    void everyScheduledRunStartsClean() throws Exception {
        assertThat(scheduledRun()).isEqualTo(CLEAN);
        assertThat(scheduledRun()).isEqualTo(CLEAN);
    }

    @Test
    void anIncludeSeesTheCallersThreadLocalAndTheCallerGetsItBackAsItWas() throws Exception {
        String body = get("/nested/include");
        String thread = thread(body);
        assertThat(body).isEqualTo("outer,INCLUDE@" + thread + "|outer@" + thread);
        assertThat(peekOn(thread)).isEqualTo(CLEAN);
    }

    @Test
    void aForwardSeesTheCallersThreadLocalAndTheCallerGetsItBackAsItWas() throws Exception {
        LeakyApp.AFTER_FORWARD.clear();
        String body = get("/nested/forward");
        String thread = thread(body);
        assertThat(body).isEqualTo("outer,FORWARD@" + thread);
        assertThat(LeakyApp.AFTER_FORWARD.poll(10, TimeUnit.SECONDS)).isEqualTo("outer@" + thread);
        assertThat(peekOn(thread)).isEqualTo(CLEAN);
    }
}
