package dev.hygiene.benchmarks.spring;

import dev.hygiene.core.HygieneStats;
import dev.hygiene.core.ThreadHygiene;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Requests through embedded Tomcat with and without hygiene-spring-boot (issue 14, "Performance"):
 * what the starter's filter, which runs every dispatch in a scope of the {@code spring} hygiene,
 * costs a trivial request.
 *
 * <p>{@link #request}: one {@code GET /hello} from a {@code java.net.http.HttpClient} (HTTP/1.1,
 * kept-alive connections) to a minimal Spring Boot web application ({@link App}: embedded Tomcat on
 * {@code 127.0.0.1}, an ephemeral port, one {@code @RestController} that returns a short constant
 * string and touches no thread-local of its own); the body is checked. Four benchmark threads
 * ({@code @Threads(4)}) each wait for their response before sending the next, so at most four
 * requests are in flight: a bounded, concurrent load. Scored in requests per millisecond; client,
 * server and JMH share the machine's cores, so the figure is the whole round trip, of which the
 * filter is a small part.
 *
 * <p>{@link Server#starter}:
 * <ul>
 * <li>{@code off}: the same application, same class path (hygiene-spring-boot on it), started with
 *     {@code hygiene.enabled=false}. That property backs the whole auto-configuration off (its
 *     class-level {@code @ConditionalOnProperty}): no {@code ThreadHygiene} bean, no filter, no task
 *     decorator, no meters. It is the fair "without": it differs from {@code on} in nothing but the
 *     starter's beans, whereas an application built without the jar would also differ in its class
 *     path and in the auto-configuration candidates Boot evaluates at start-up, which are not a cost
 *     per request. The reference of every ratio.
 * <li>{@code on}: the application as it comes with the starter: the {@code spring} hygiene in
 *     ENFORCE and its filter first in the chain, for every dispatcher type.
 * </ul>
 *
 * <p><b>Checks.</b> Every request must answer 200 with the controller's body. The trial's teardown
 * fails the run (with {@code -foe true}) if, with {@code on}, the context's {@code ThreadHygiene} is
 * not the one named {@code spring} or its stats have not counted at least one task per request sent
 * (warmup included; a scope closes after the response may already have reached the client, so the
 * check waits up to 10 s for the last ones); or if, with {@code off}, the context holds a
 * {@code ThreadHygiene} bean or the {@code hygieneFilter} at all: the control that shows the
 * {@code off} run really had no starter. With {@code on} it also prints the hygiene's leftover counts
 * by type: what the filter's restores undid of Tomcat's and Spring's own per-thread state (the
 * controller leaves nothing), which is part of what the figure measures.
 *
 * <p>The warmup is long (20 x 2 s): on the 2-core machine of RESULTS.md the throughput still
 * doubles between the fifth and the fifteenth 2-second iteration, as the JIT reaches Spring MVC,
 * Tomcat and the client.
 *
 * <p>Run with {@code -XX:+AlwaysPreTouch} (in {@code @Fork}) and {@code -prof gc}, from the class
 * path (see {@code benchmarks-spring-boot/run.sh}): a shaded jar would merge Boot's
 * {@code META-INF/spring*} files wrongly. The bytes per operation of {@code -prof gc} count what the
 * JVM allocated in all threads (client, Tomcat workers) per request.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 20, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(SpringBootRequestBenchmark.THREADS)
@Fork(value = 2, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "-XX:+AlwaysPreTouch"})
public class SpringBootRequestBenchmark {

    /** Benchmark threads, each with at most one request in flight. */
    static final int THREADS = 4;

    /** What the controller answers. */
    static final String BODY = "hello";

    /** The minimal Boot web application: auto-configuration and one controller. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(App.HelloController.class)
    public static class App {

        /** Creates the application; Spring does. */
        public App() {
        }

        /** A trivial controller. */
        @RestController
        public static class HelloController {

            /** Creates the controller; Spring does. */
            public HelloController() {
            }

            /**
             * The trivial request.
             *
             * @return a short constant
             */
            @GetMapping("/hello")
            public String hello() {
                return BODY;
            }
        }
    }

    /** The running application, the client, and the count of requests sent. */
    @State(Scope.Benchmark)
    public static class Server {

        /** See the class comment: {@code off} is the same application with {@code hygiene.enabled=false}. */
        @Param({"off", "on"})
        String starter;

        HelloApp app;
        ConfigurableApplicationContext context;
        /** Requests sent by all benchmark threads, warmup included. */
        final LongAdder sent = new LongAdder();

        @Setup(Level.Trial)
        public void start() {
            app = new HelloApp("--hygiene.enabled=" + starter.equals("on"));
            context = app.context;
        }

        @TearDown(Level.Trial)
        public void check() throws InterruptedException {
            try {
                long requests = sent.sum();
                if (starter.equals("on")) {
                    ThreadHygiene hygiene = context.getBean(ThreadHygiene.class);
                    if (!"spring".equals(hygiene.policy().name())) {
                        throw new IllegalStateException("starter=on: the ThreadHygiene bean is " + hygiene
                                + ", not the starter's spring hygiene");
                    }
                    if (!context.containsBean("hygieneFilter")) {
                        throw new IllegalStateException("starter=on: no hygieneFilter in the context");
                    }
                    HygieneStats stats = hygiene.stats();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (stats.tasks() < requests && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    if (stats.tasks() < requests) {
                        throw new IllegalStateException("starter=on: the spring hygiene counted " + stats.tasks()
                                + " tasks for " + requests + " requests sent: some dispatch ran outside its filter");
                    }
                    // What the restores undid, for the reading of the figure: Tomcat's and Spring's own
                    // per-thread state that a request changes, not the controller's (it touches none).
                    System.out.println("spring hygiene: " + stats.tasks() + " tasks, " + stats.leftovers()
                            + " leftovers for " + requests + " requests; by type " + stats.leftoversByType());
                } else {
                    if (context.getBeanNamesForType(ThreadHygiene.class).length != 0) {
                        throw new IllegalStateException("starter=off: the context has a ThreadHygiene bean, so "
                                + "hygiene.enabled=false did not back the auto-configuration off");
                    }
                    if (context.containsBean("hygieneFilter")) {
                        throw new IllegalStateException("starter=off: the context has the hygieneFilter");
                    }
                }
                if (requests == 0) {
                    throw new IllegalStateException("starter=" + starter + ": no request was sent");
                }
            } finally {
                context.close();
            }
        }
    }

    /**
     * One GET of the trivial endpoint, its body checked.
     *
     * @param server the application and its client
     * @return the body
     * @throws IOException if the request fails
     * @throws InterruptedException if interrupted while waiting
     */
    @Benchmark
    public String request(Server server) throws IOException, InterruptedException {
        String body = server.app.get();
        server.sent.increment();
        return body;
    }
}
