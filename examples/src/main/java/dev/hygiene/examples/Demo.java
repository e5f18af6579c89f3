package dev.hygiene.examples;

import dev.hygiene.core.HygieneStats;
import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.examples.DemoApp.Pool;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The demo the README's first command runs: the same {@value #REQUESTS} HTTP requests against the
 * same small application ({@link DemoApp}), served by a plain pool, by a hygienic pool in
 * {@code AUDIT} mode and by one in {@code ENFORCE} mode, with one table of what each run measured:
 * <ul>
 * <li><b>requests served</b>: responses the client received;
 * <li><b>saw another user</b>: responses whose handler found another request's user in the
 *     security context when it started;
 * <li><b>stale entries in workers</b>: entries of the workers' thread-local maps whose
 *     {@code ThreadLocal} was collected but whose value is still held, counted after the run by
 *     {@link WorkerMaps} with the workers alive;
 * <li><b>heap retained by leftovers</b>: the heap the idle workers keep reachable, measured after
 *     a full GC as the difference between the workers alive and the workers ended;
 * <li><b>leftovers counted by hygiene</b>: {@link HygieneStats#leftovers()}; AUDIT counts them and
 *     leaves them, ENFORCE counts them and undoes each one as its scope closes.
 * </ul>
 * Then the AUDIT run's {@link HygieneStats#report()}, which names the leaking handlers. Nothing in
 * the table is written in: every figure comes from the run. The requests go out through
 * {@link HttpClient#sendAsync}, at most {@value #IN_FLIGHT} at a time.
 */
public final class Demo {

    static final int REQUESTS = 3_000;
    static final int IN_FLIGHT = 8;

    /**
     * hygiene's own log (through {@code System.Logger}, here {@code java.util.logging}), which
     * names the first leftover of each type in a sentence: useful in a service, noise above the
     * demo's table, so {@link #main} switches it off. Held here because {@code java.util.logging}
     * keeps its loggers, and so their levels, only while someone references them.
     */
    private static final Logger HYGIENE_LOG = Logger.getLogger("dev.hygiene");

    private Demo() {
    }

    /**
     * What one run measured.
     *
     * @param pool the executor the server ran on
     * @param served responses received
     * @param sawAnotherUser responses whose handler found another request's user on entry
     * @param failures requests that got no response
     * @param stale the stale entries in the workers' maps after the run
     * @param heapRetained bytes the idle workers kept reachable after the run
     * @param stats the hygiene's counters, null for the plain pool
     * @param elapsed the run's wall-clock time, measurements included
     */
    record Result(Pool pool, int served, int sawAnotherUser, List<Throwable> failures, WorkerMaps.Stale stale,
            long heapRetained, HygieneStats stats, Duration elapsed) {
    }

    /**
     * Runs the three pools and prints the table and the audit report.
     *
     * @param args ignored
     * @throws Exception if a run fails
     */
    public static void main(String[] args) throws Exception {
        if (!ThreadHygiene.isSupported()) {
            System.err.println("hygiene needs java.lang opened: run with --add-opens java.base/java.lang=ALL-UNNAMED "
                    + "or -javaagent:hygiene-core.jar");
            System.exit(2);
        }
        HYGIENE_LOG.setLevel(Level.OFF);
        List<Result> results = runAll();
        System.out.print(report(results));
        for (Result r : results) {
            if (!r.failures().isEmpty()) {
                System.err.println(r.pool().label + ": " + r.failures().size() + " requests got no response; the first:");
                r.failures().get(0).printStackTrace();
                System.exit(1);
            }
        }
    }

    /**
     * Serves the same load three times: plain pool, AUDIT, ENFORCE.
     *
     * @return the three results, in that order
     * @throws Exception if a run fails
     */
    static List<Result> runAll() throws Exception {
        HttpClient client = client();
        List<Result> results = new ArrayList<>();
        for (Pool pool : Pool.values()) {
            results.add(run(pool, client));
        }
        return results;
    }

    /** Serves the load on a new server with {@code pool}, then measures the idle workers. */
    private static Result run(Pool pool, HttpClient client) throws Exception {
        long start = System.nanoTime();
        try (DemoApp app = DemoApp.start(pool)) {
            Load load = send(app, client, REQUESTS);

            app.awaitIdle(Duration.ofSeconds(30));
            app.stopServer();
            WorkerMaps.Stale stale = WorkerMaps.staleEntries(app.workers());
            long heapRetained = WorkerMaps.heapFreedBy(app::stopWorkers);
            ThreadHygiene hygiene = app.hygiene();
            return new Result(pool, load.served(), load.sawAnotherUser(), load.failures(), stale, heapRetained,
                    hygiene == null ? null : hygiene.stats(), Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /**
     * What a load of requests got back.
     *
     * @param served responses received
     * @param sawAnotherUser responses whose handler found another request's user on entry
     * @param failures requests that got no response
     */
    record Load(int served, int sawAnotherUser, List<Throwable> failures) {
    }

    /** An HTTP/1.1 client without a proxy, for the load. */
    static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** Sends {@code requests} requests to {@code app}, at most {@value #IN_FLIGHT} at a time, and waits for every answer. */
    static Load send(DemoApp app, HttpClient client, int requests) throws InterruptedException {
        AtomicInteger served = new AtomicInteger();
        AtomicInteger sawAnotherUser = new AtomicInteger();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        for (int i = 0; i < requests; i++) {
            inFlight.acquire();
            client.sendAsync(request(app, i), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, failure) -> {
                        if (failure != null) {
                            failures.add(failure);
                        } else {
                            served.incrementAndGet();
                            if (response.headers().firstValue(DemoApp.FOUND_USER_HEADER).isPresent()) {
                                sawAnotherUser.incrementAndGet();
                            }
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquire(IN_FLIGHT);   // every request answered or failed
        return new Load(served.get(), sawAnotherUser.get(), List.copyOf(failures));
    }

    /**
     * Request {@code i} of the load: half of them orders, from one of 50 users, a quarter anonymous
     * reports, a quarter health checks.
     */
    private static HttpRequest request(DemoApp app, int i) {
        HttpRequest.Builder request;
        switch (i % 4) {
            case 0, 1 -> request = HttpRequest.newBuilder(app.uri("/orders?item=" + i))
                    .header("X-User", "user-" + (i % 50))
                    .header("X-Request-Id", "request-" + i)
                    .POST(HttpRequest.BodyPublishers.noBody());
            case 2 -> request = HttpRequest.newBuilder(app.uri("/report"));
            default -> request = HttpRequest.newBuilder(app.uri("/health"));
        }
        return request.timeout(Duration.ofSeconds(30)).build();
    }

    /**
     * What the demo prints: the table, then the AUDIT run's report.
     *
     * @param results what {@link #runAll()} returned
     * @return the text
     */
    static String report(List<Result> results) {
        StringBuilder out = new StringBuilder(table(results));
        out.append(String.format("%nWhat AUDIT found: its stats().report(). Each request is two tasks, the pool's scope around the%n"
                + "JDK's exchange and the filter's scope around the handler, so that leftovers name the handler:%n"));
        out.append(results.get(1).stats().report());
        out.append(String.format("%nHealthHandler is not listed: it leaves nothing behind.%n"));
        return out.toString();
    }

    /**
     * The table of the three runs.
     *
     * @param results what {@link #runAll()} returned
     * @return the table, with a heading and a footnote
     */
    static String table(List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%,d requests per run (half /orders, a quarter each /report and /health), at most %d "
                + "in flight,%nto an HttpServer on 127.0.0.1 with %d workers; Java %s.%n%n",
                REQUESTS, IN_FLIGHT, DemoApp.WORKERS, Runtime.version()));
        String row = "%-16s %9s %12s %15s %18s %18s%n";
        out.append(String.format(row, "", "requests", "saw another", "stale entries", "heap retained by",
                "leftovers counted"));
        out.append(String.format(row, "pool", "served", "user", "in workers", "leftovers (MiB)", "by hygiene"));
        for (Result r : results) {
            out.append(String.format(row, r.pool().label, String.format("%,d", r.served()),
                    String.format("%,d", r.sawAnotherUser()), String.format("%,d", r.stale().entries()),
                    String.format("%.1f", Math.round(r.heapRetained() * 10.0 / (1 << 20)) / 10.0),
                    r.stats() == null ? "-" : String.format("%,d", r.stats().leftovers())));
        }
        out.append(String.format("%nRuns took"));
        for (int i = 0; i < results.size(); i++) {
            out.append(String.format("%s %.1f s", i == 0 ? "" : i == results.size() - 1 ? " and" : ",",
                    results.get(i).elapsed().toMillis() / 1000.0));
        }
        out.append(String.format(". Stale entries and heap retained are measured after a full GC,%n"
                + "with the workers alive and idle. AUDIT counts leftovers and leaves them; ENFORCE undoes each.%n"));
        return out.toString();
    }
}
