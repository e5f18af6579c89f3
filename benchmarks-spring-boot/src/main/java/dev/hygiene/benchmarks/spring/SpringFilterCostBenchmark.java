package dev.hygiene.benchmarks.spring;

import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.spring.boot.HygieneFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.i18n.LocaleContext;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.context.i18n.SimpleLocaleContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.filter.RequestContextFilter;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * What the starter costs one request, measured directly (issue 14, "Performance"): the starter's
 * only per-request work is its filter, so the cost is the time a Spring MVC dispatch takes inside
 * the filter less the time the same dispatch takes without it, set against the time of a whole
 * trivial request through embedded Tomcat, all three measured in the same run, one thread, no
 * other load. {@link SpringBootRequestBenchmark} measures the same through the server alone, but
 * its client and server share the two cores, and its spread (10-16%) cannot resolve 1%.
 *
 * <p>What a request on Tomcat does to the worker's thread-locals inside the filter is Spring's (Boot's
 * {@code RequestContextFilter} and then the {@code DispatcherServlet} each set and reset the request
 * and locale context holders) and, for every request, one {@code Charset.decode} in Tomcat's
 * request handling, which keeps the JDK's decoder in a plain {@code ThreadLocal<Object[]>}
 * ({@code sun.nio.cs.ThreadLocalCoders}): the filter undoes it, and the next request makes a new one
 * (RESULTS.md has the stats that show it). Every chain here does the same decode
 * ({@link #tomcatsDecode}) and runs in Spring's own {@code RequestContextFilter}, so that the
 * filter's cost includes all of that.
 *
 * <p>Every "without" runs its chain through {@link PassThrough}, a filter that only calls the chain,
 * so that with and without differ in the scope alone, not in the shape of the calls that the JIT
 * compiles (a first version called the chain directly, and its two dispatches differed by -1 and
 * +3 µs in two runs, in opposite directions).
 *
 * <ul>
 * <li>{@link #threadLocals} and {@link #filteredThreadLocals}: only what a request does to the
 *     thread-locals, without and inside the filter: the decode, Spring's {@code RequestContextFilter}
 *     and, inside it, what {@code FrameworkServlet.processRequest} does to the holders
 *     ({@link #frameworkServletsHolders}); the filter's cost for all of it, small enough to be
 *     measured to a few nanoseconds.
 * <li>{@link #dispatch}: the decode and Spring's {@code RequestContextFilter}, then the application's {@code DispatcherServlet} serves {@code GET /hello} (the
 *     trivial controller of {@link SpringBootRequestBenchmark.App}) in process, from Spring's mock
 *     request and response: Spring MVC's whole per-request path (its request and locale context
 *     holders, handler lookup, message conversion), without Tomcat and without the network.
 * <li>{@link #filteredDispatch}: the same dispatch as the chain of the starter's
 *     {@link HygieneFilter}, taken from the running context: one ENFORCE scope of the
 *     {@code spring} hygiene around it, with whatever Spring MVC leaves on the thread undone.
 * <li>{@link #httpRequest}: one {@code GET /hello} from a {@code java.net.http.HttpClient} over a
 *     kept-alive HTTP/1.1 connection to the same application on embedded Tomcat ({@code 127.0.0.1},
 *     an ephemeral port), the starter on: the trivial request's time that the target (under 1%)
 *     refers to.
 * </ul>
 * The starter's cost per request is {@code filteredThreadLocals - threadLocals}, and
 * {@code filteredDispatch - dispatch} the same inside a real dispatch, with the spread of an 8 µs
 * operation; as a share of the request, those over {@code httpRequest}. Each response is checked (status 200 and the body); the teardown
 * fails the run if the spring hygiene did not count a scope for every filtered dispatch.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 20, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@Fork(value = 2, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "-XX:+AlwaysPreTouch"})
public class SpringFilterCostBenchmark {

    /** The running application with the starter, its dispatcher servlet and filter, and a client. */
    @State(Scope.Benchmark)
    public static class App {
        ConfigurableApplicationContext context;
        DispatcherServlet dispatcher;
        HygieneFilter filter;
        ThreadHygiene hygiene;
        FilterChain toDispatcher;
        FilterChain toThreadLocals;
        MockHttpServletRequest sharedRequest;
        MockHttpServletResponse sharedResponse;
        HelloApp server;
        long tasksBefore;
        long filtered;

        @Setup(Level.Trial)
        public void start() throws IOException, InterruptedException {
            server = new HelloApp();
            context = server.context;
            server.get();   // the first request initialises the DispatcherServlet
            dispatcher = context.getBean(DispatcherServlet.class);
            FilterRegistrationBean<?> registration = context.getBean("hygieneFilter", FilterRegistrationBean.class);
            filter = (HygieneFilter) registration.getFilter();
            hygiene = context.getBean(ThreadHygiene.class);
            if (!"spring".equals(hygiene.policy().name())) {
                throw new IllegalStateException("the ThreadHygiene bean is " + hygiene + ", not the starter's");
            }
            RequestContextFilter requestContext = new RequestContextFilter();
            FilterChain service = (request, response) -> dispatcher.service(request, response);
            FilterChain holders = (request, response) -> frameworkServletsHolders((HttpServletRequest) request);
            toDispatcher = (request, response) -> {
                tomcatsDecode();
                requestContext.doFilter(request, response, service);
            };
            toThreadLocals = (request, response) -> {
                tomcatsDecode();
                requestContext.doFilter(request, response, holders);
            };
            sharedRequest = helloRequest();
            sharedResponse = new MockHttpServletResponse();
            tasksBefore = hygiene.stats().tasks();
        }

        @TearDown(Level.Trial)
        public void check() {
            try {
                long counted = hygiene.stats().tasks() - tasksBefore;
                if (counted < filtered) {
                    throw new IllegalStateException("the spring hygiene counted " + counted + " scopes for "
                            + filtered + " filtered dispatches");
                }
                System.out.println("spring hygiene: " + hygiene.stats().leftovers() + " leftovers undone, by type "
                        + hygiene.stats().leftoversByType());
            } finally {
                context.close();
            }
        }
    }

    /** The "without": a filter that does nothing but call the rest of the chain. */
    static final class PassThrough implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            chain.doFilter(request, response);
        }
    }

    private static final Filter PASS_THROUGH = new PassThrough();

    private static final byte[] REQUEST_LINE = "GET /hello HTTP/1.1".getBytes(StandardCharsets.ISO_8859_1);

    /** What Tomcat's request path does to the worker's thread-locals: a decode through the JDK's cached decoder. */
    static CharBuffer tomcatsDecode() {
        return StandardCharsets.ISO_8859_1.decode(ByteBuffer.wrap(REQUEST_LINE));
    }

    /**
     * What {@code FrameworkServlet.processRequest} does to the thread-locals around the handler (Spring
     * Framework 7.0): note the holders' contents, set its own, and put the noted ones back.
     */
    static void frameworkServletsHolders(HttpServletRequest request) {
        LocaleContext previousLocale = LocaleContextHolder.getLocaleContext();
        RequestAttributes previousAttributes = RequestContextHolder.getRequestAttributes();
        LocaleContextHolder.setLocaleContext(new SimpleLocaleContext(request.getLocale()), false);
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request), false);
        LocaleContextHolder.setLocaleContext(previousLocale, false);
        RequestContextHolder.setRequestAttributes(previousAttributes, false);
    }

    private static MockHttpServletRequest helloRequest() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/hello");
        request.setRemoteAddr("127.0.0.1");
        return request;
    }

    private static MockHttpServletResponse checked(MockHttpServletResponse response) throws IOException {
        if (response.getStatus() != 200 || !SpringBootRequestBenchmark.BODY.equals(response.getContentAsString())) {
            throw new IllegalStateException("GET /hello answered " + response.getStatus() + ": "
                    + response.getContentAsString());
        }
        return response;
    }

    /**
     * Tomcat's decode, Spring's {@code RequestContextFilter} and a dispatch in process, through {@link PassThrough}.
     *
     * @param app the application
     * @return the checked response
     * @throws IOException as the servlet throws it
     * @throws ServletException as the servlet throws it
     */
    @Benchmark
    public MockHttpServletResponse dispatch(App app) throws IOException, ServletException {
        MockHttpServletResponse response = new MockHttpServletResponse();
        PASS_THROUGH.doFilter(helloRequest(), response, app.toDispatcher);
        return checked(response);
    }

    /**
     * What a request does to the thread-locals, through {@link PassThrough}.
     *
     * @param app the application
     * @return the response passed through
     * @throws IOException never
     * @throws ServletException never
     */
    @Benchmark
    public MockHttpServletResponse threadLocals(App app) throws IOException, ServletException {
        PASS_THROUGH.doFilter(app.sharedRequest, app.sharedResponse, app.toThreadLocals);
        return app.sharedResponse;
    }

    /**
     * The same inside the starter's filter.
     *
     * @param app the application
     * @return the response passed through
     * @throws IOException never
     * @throws ServletException never
     */
    @Benchmark
    public MockHttpServletResponse filteredThreadLocals(App app) throws IOException, ServletException {
        app.filter.doFilter(app.sharedRequest, app.sharedResponse, app.toThreadLocals);
        app.filtered++;
        return app.sharedResponse;
    }

    /**
     * The same inside the starter's filter.
     *
     * @param app the application
     * @return the checked response
     * @throws IOException as the servlet throws it
     * @throws ServletException as the servlet throws it
     */
    @Benchmark
    public MockHttpServletResponse filteredDispatch(App app) throws IOException, ServletException {
        MockHttpServletResponse response = new MockHttpServletResponse();
        app.filter.doFilter(helloRequest(), response, app.toDispatcher);
        app.filtered++;
        return checked(response);
    }

    /**
     * A whole trivial request through embedded Tomcat, client included.
     *
     * @param app the application
     * @return the body
     * @throws IOException as the client throws it
     * @throws InterruptedException if interrupted while waiting for the response
     */
    @Benchmark
    public String httpRequest(App app) throws IOException, InterruptedException {
        return app.server.get();
    }
}
