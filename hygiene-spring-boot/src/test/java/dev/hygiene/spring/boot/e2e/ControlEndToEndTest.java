package dev.hygiene.spring.boot.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/** The control: the same service with {@code hygiene.enabled=false} really leaks. */
@SpringBootTest(classes = LeakyApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "hygiene.enabled=false",
                "server.address=127.0.0.1", "server.tomcat.threads.max=1", "server.tomcat.threads.min-spare=1",
                "server.jetty.threads.max=4", "server.jetty.threads.min=4", "server.jetty.threads.acceptors=1", "server.jetty.threads.selectors=1",
                "spring.task.execution.pool.core-size=1", "spring.task.execution.pool.max-size=1",
                "spring.task.scheduling.pool.size=1", "management.endpoints.web.exposure.include=hygiene" })
@DirtiesContext
class ControlEndToEndTest extends EndToEndSupport {

    @Test
    void withoutHygieneTheNextRequestSeesTheLastUserAndTenant() throws Exception {
        String alice = get("/login?user=alice");
        assertThat(peekOn(thread(alice))).startsWith("alice,tenant-of-alice");
    }

    @Test
    void withoutHygieneAnAsyncDispatchLeaksOnTheRequestThreadAndTheExecutor() throws Exception {
        var carol = send("/async?user=carol");
        assertThat(peekOn(carol.headers().firstValue(LeakyApp.THREAD_HEADER).orElseThrow())).endsWith(",async-dispatch");
        assertThat(get("/async?user=dave")).contains("carol,tenant-of-carol");
    }

    @Test
    void withoutHygieneAnAsyncTaskSeesTheLastOnesLeftovers() throws Exception {
        async("erin");
        assertThat(async("frank")).contains("erin,tenant-of-erin");
    }

    @Test
    void withoutHygieneAScheduledRunSeesTheLastRunsLeftovers() throws Exception {
        scheduledRun();
        assertThat(scheduledRun()).contains("scheduler,tenant-of-scheduler");
    }

    @Test
    void withoutHygieneWhatAnIncludeLeavesReachesTheCallerAndTheNextRequest() throws Exception {
        String body = get("/nested/include");
        String thread = thread(body);
        assertThat(body).isEqualTo("outer,INCLUDE@" + thread + "|inner@" + thread);
        assertThat(peekOn(thread)).startsWith("inner,");
    }

    @Test
    void withoutHygieneWhatAForwardLeavesReachesTheCallerAndTheNextRequest() throws Exception {
        LeakyApp.AFTER_FORWARD.clear();
        String body = get("/nested/forward");
        String thread = thread(body);
        assertThat(body).isEqualTo("outer,FORWARD@" + thread);
        assertThat(LeakyApp.AFTER_FORWARD.poll(10, TimeUnit.SECONDS)).isEqualTo("inner@" + thread);
        assertThat(peekOn(thread)).startsWith("inner,");
    }
}
