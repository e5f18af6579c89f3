package dev.hygiene.examples;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.Mode;
import dev.hygiene.core.TaskScope;
import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.executors.HygienicExecutors;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo's web application: the JDK's {@link HttpServer} on 127.0.0.1, a free port, with a fixed
 * pool of {@value #WORKERS} workers as its executor, and handlers that use {@code ThreadLocal}s the
 * way real code does, bugs included:
 * <ul>
 * <li>{@code /orders} puts the caller (header {@code X-User}) in a security context and the request
 *     id (header {@code X-Request-Id}) in an {@code InheritableThreadLocal}, and clears both when
 *     the order goes through; an order for an item that is out of stock (every item number ending
 *     in 0) takes the error path, which forgets to clear them;
 * <li>{@code /report} is public; it is personalized for whoever the security context holds, puts
 *     the request into an MDC-style map that nothing ever clears, and renders with a
 *     {@link ReportRenderer} made per request, whose {@code ThreadLocal} buffer of
 *     {@value #BUFFER_BYTES} bytes becomes a stale entry of the worker's map once the renderer is
 *     collected;
 * <li>{@code /health} answers "ok" and touches no thread-local: the clean handler.
 * </ul>
 * {@code /orders} and {@code /report} look at the security context before doing anything; when they
 * find a user there, that user came from an earlier request on the same worker, and the response
 * says so in the header {@value #FOUND_USER_HEADER}.
 *
 * <p>The pool is a plain {@code Executors.newFixedThreadPool}, or a
 * {@code HygienicExecutors.newFixedThreadPool} whose {@link ThreadHygiene} audits or enforces. With
 * hygiene, a {@link Filter} also opens a scope around each handler, nested in the pool's scope
 * around the JDK's exchange task: the pool alone would blame every leftover on
 * {@code sun.net.httpserver.ServerImpl$Exchange}; the handler's scope names the handler that left it.
 */
final class DemoApp implements AutoCloseable {

    static {
        // The JDK's HttpServer otherwise leaves Nagle's algorithm on, which stalls small responses
        // on a keep-alive connection for tens of milliseconds. Read once, when the server starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** The server's worker threads. */
    static final int WORKERS = 4;
    /** The size of the buffer each {@code /report} request caches in its renderer's thread-local. */
    static final int BUFFER_BYTES = 256 * 1024;
    /** The response header that names the user a handler found in the security context on entry. */
    static final String FOUND_USER_HEADER = "X-Found-User";

    /** The executors the demo compares. */
    enum Pool {
        PLAIN("plain pool", null),
        AUDIT("hygiene AUDIT", Mode.AUDIT),
        ENFORCE("hygiene ENFORCE", Mode.ENFORCE);

        final String label;
        final Mode mode;

        Pool(String label, Mode mode) {
            this.label = label;
            this.mode = mode;
        }
    }

    /** A logged-in user. */
    record User(String name) {
    }

    /** The current user of the request a thread serves, as security frameworks keep it. */
    static final class SecurityContext {
        private static final ThreadLocal<User> CURRENT = new ThreadLocal<>();

        private SecurityContext() {
        }

        static User current() {
            return CURRENT.get();
        }

        static void set(User user) {
            CURRENT.set(user);
        }

        static void clear() {
            CURRENT.remove();
        }
    }

    /** A mapped diagnostic context, as logging libraries keep one per thread. */
    static final class Mdc {
        private static final ThreadLocal<Map<String, String>> CONTEXT = new ThreadLocal<>();

        private Mdc() {
        }

        static void put(String key, String value) {
            Map<String, String> map = CONTEXT.get();
            if (map == null) {
                map = new HashMap<>();
                CONTEXT.set(map);
            }
            map.put(key, value);
        }
    }

    /** The id of the request a thread serves, inherited by any thread it starts. */
    static final InheritableThreadLocal<String> REQUEST_ID = new InheritableThreadLocal<>();

    /**
     * Renders a report into a buffer it caches per thread. It is made per request, so each request
     * makes a new {@code ThreadLocal}: when the renderer is collected, the worker's map keeps an
     * entry whose key is gone and whose buffer is still strongly held, until some later
     * {@code ThreadLocal} call on that worker happens to expunge it.
     */
    static final class ReportRenderer {
        private final ThreadLocal<byte[]> buffer = new ThreadLocal<>();

        String render(User reader) {
            byte[] bytes = buffer.get();
            if (bytes == null) {
                bytes = new byte[BUFFER_BYTES];
                buffer.set(bytes);
            }
            String title = "report for " + (reader == null ? "anonymous" : reader.name());
            byte[] head = title.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(head, 0, bytes, 0, head.length);
            return title + " (" + bytes.length + " bytes rendered)";
        }
    }

    /** Places an order; the error path forgets to clear the security context and the request id. */
    static final class OrdersHandler implements HttpHandler {
        @Override
        public void handle(HttpExchange exchange) throws IOException {
            User found = SecurityContext.current();
            SecurityContext.set(new User(exchange.getRequestHeaders().getFirst("X-User")));
            REQUEST_ID.set(exchange.getRequestHeaders().getFirst("X-Request-Id"));
            String body;
            try {
                body = placeOrder(exchange.getRequestURI().getQuery());
            } catch (IllegalStateException outOfStock) {
                respond(exchange, 409, outOfStock.getMessage(), found);   // the bug: no clear() here
                return;
            }
            SecurityContext.clear();
            REQUEST_ID.remove();
            respond(exchange, 201, body, found);
        }

        private static String placeOrder(String query) {
            int item = Integer.parseInt(query.substring(query.indexOf('=') + 1));
            if (item % 10 == 0) {
                throw new IllegalStateException("item " + item + " is out of stock");
            }
            return "order for item " + item + " placed by " + SecurityContext.current().name()
                    + " (" + REQUEST_ID.get() + ")";
        }
    }

    /** A public report, personalized for the current user; leaves its MDC and a stale buffer. */
    static final class ReportHandler implements HttpHandler {
        @Override
        public void handle(HttpExchange exchange) throws IOException {
            User found = SecurityContext.current();
            Mdc.put("path", exchange.getRequestURI().getPath());
            Mdc.put("client", String.valueOf(exchange.getRemoteAddress()));
            respond(exchange, 200, new ReportRenderer().render(found), found);
        }
    }

    /** Answers "ok"; touches no thread-local, so it leaves nothing behind. */
    static final class HealthHandler implements HttpHandler {
        @Override
        public void handle(HttpExchange exchange) throws IOException {
            respond(exchange, 200, "ok", null);
        }
    }

    /**
     * Runs each handler in a scope of the hygiene, entered with the handler as the task, so that
     * what a handler leaves is counted under the handler's class.
     */
    static final class HandlerScopes extends Filter {
        private final ThreadHygiene hygiene;

        HandlerScopes(ThreadHygiene hygiene) {
            this.hygiene = hygiene;
        }

        @Override
        public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
            try (TaskScope scope = hygiene.enter(exchange.getHttpContext().getHandler())) {
                chain.doFilter(exchange);
            }
        }

        @Override
        public String description() {
            return "a hygiene scope around each handler";
        }
    }

    private static void respond(HttpExchange exchange, int status, String body, User found) throws IOException {
        if (found != null) {
            exchange.getResponseHeaders().set(FOUND_USER_HEADER, found.name());
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private final ThreadHygiene hygiene;
    private final ThreadPoolExecutor pool;
    private final List<Thread> workers = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private boolean serverStopped;

    private DemoApp(Pool kind) throws IOException {
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory named = task -> {
            Thread worker = new Thread(task, "http-" + kind.name().toLowerCase(Locale.ROOT)
                    + "-" + threads.incrementAndGet());
            workers.add(worker);
            return worker;
        };
        if (kind.mode == null) {
            hygiene = null;
            pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(WORKERS, named);
        } else {
            hygiene = ThreadHygiene.of(HygienePolicy.builder().name("demo " + kind.name()).mode(kind.mode).build());
            // A HygienicThreadPoolExecutor; the factory is decorated so that its threads start clean.
            pool = (ThreadPoolExecutor) HygienicExecutors.newFixedThreadPool(WORKERS, named, hygiene);
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        context("/orders", new OrdersHandler());
        context("/report", new ReportHandler());
        context("/health", new HealthHandler());
        server.setExecutor(pool);
    }

    private void context(String path, HttpHandler handler) {
        var context = server.createContext(path, handler);
        if (hygiene != null) {
            context.getFilters().add(new HandlerScopes(hygiene));
        }
    }

    /**
     * Starts the application on a free port of 127.0.0.1.
     *
     * @param kind the executor to serve with
     * @return the running application
     * @throws IOException if the server cannot bind
     */
    static DemoApp start(Pool kind) throws IOException {
        DemoApp app = new DemoApp(kind);
        app.server.start();
        return app;
    }

    /** The hygiene of the pool and the handler scopes, or null for the plain pool. */
    ThreadHygiene hygiene() {
        return hygiene;
    }

    /** The pool's worker threads, in the order they were made. */
    List<Thread> workers() {
        return List.copyOf(workers);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    /**
     * Waits until every exchange handed to the pool has finished, scopes closed included: a client
     * has its response a little before the task that sent it ends.
     *
     * @param timeout how long to wait at most
     * @throws TimeoutException if the pool is still busy then
     * @throws InterruptedException if interrupted while waiting
     */
    void awaitIdle(Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pool.getActiveCount() > 0 || !pool.getQueue().isEmpty()
                || pool.getCompletedTaskCount() < pool.getTaskCount()) {
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException(pool + " still busy after " + timeout);
            }
            Thread.sleep(1);
        }
    }

    /** Stops the server, closing its connections; the workers stay alive, with what their maps hold. */
    void stopServer() {
        if (!serverStopped) {
            serverStopped = true;
            server.stop(0);
        }
    }

    /**
     * Stops the server, then the pool, and waits until every worker thread has ended.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    void stopWorkers() throws InterruptedException {
        stopServer();
        pool.shutdown();
        if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(pool + " did not terminate in 30 s");
        }
        for (Thread worker : workers) {
            worker.join();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopWorkers();
    }
}
