package dev.hygiene.examples;

import dev.hygiene.core.HygieneStats;
import dev.hygiene.core.ThreadHygiene;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * The demo the README's first command runs: the same requests through a plain pool, through
 * hygiene in audit mode and through hygiene in enforce mode, with what each request saw.
 *
 * <p>Each request checks that no user is set when it starts, sets its own user, and clears it
 * again, except on its error path, which every seventh request takes and which forgets to clear.
 * That is the bug hygiene exists for: on a plain pool the next request on that worker starts as
 * somebody else.
 */
public final class Demo {

    static final ThreadLocal<String> CURRENT_USER = new ThreadLocal<>();
    static final int REQUESTS = 2_000;
    static final int WORKERS = 4;

    private Demo() {
    }

    /** What one run measured. */
    record Result(String pool, int requests, int sawAnotherUser, HygieneStats stats) {
    }

    /**
     * Runs the three pools and prints the table.
     *
     * @param args ignored
     * @throws Exception if a request fails unexpectedly
     */
    public static void main(String[] args) throws Exception {
        if (!ThreadHygiene.isSupported()) {
            System.err.println("hygiene needs java.lang opened: run with --add-opens java.base/java.lang=ALL-UNNAMED "
                    + "or -javaagent:hygiene-core.jar");
            System.exit(2);
        }
        List<Result> results = runAll();
        System.out.printf("%-18s %9s %26s %11s%n", "pool", "requests", "saw another request's user", "leftovers");
        for (Result r : results) {
            System.out.printf("%-18s %,9d %,26d %,11d%n", r.pool(), r.requests(), r.sawAnotherUser(),
                    r.stats() == null ? 0 : r.stats().leftovers());
        }
        Result audit = results.get(1);
        System.out.println();
        System.out.println("What audit mode found in the plain-pool behaviour:");
        System.out.print(audit.stats().report());
    }

    static List<Result> runAll() throws Exception {
        ThreadHygiene audit = ThreadHygiene.auditing();
        ThreadHygiene enforce = ThreadHygiene.enforcing();
        List<Result> results = new ArrayList<>();
        results.add(new Result("plain pool", REQUESTS, run(task -> task), null));
        results.add(new Result("hygiene AUDIT", REQUESTS, run(audit::wrap), audit.stats()));
        results.add(new Result("hygiene ENFORCE", REQUESTS, run(enforce::wrap), enforce.stats()));
        return results;
    }

    /** Serves {@link #REQUESTS} requests on a fresh pool, each decorated by {@code decorate}. */
    private static int run(UnaryOperator<Runnable> decorate) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        try {
            List<Future<boolean[]>> seen = new ArrayList<>(REQUESTS);
            for (int i = 0; i < REQUESTS; i++) {
                boolean[] sawAnother = new boolean[1];
                int request = i;
                Runnable handler = decorate.apply(() -> sawAnother[0] = handle(request));
                seen.add(pool.submit(handler, sawAnother));
            }
            int count = 0;
            for (Future<boolean[]> f : seen) {
                if (f.get()[0]) {
                    count++;
                }
            }
            return count;
        } finally {
            pool.shutdown();
        }
    }

    /** Handles one request; returns whether it started with another request's user set. */
    static boolean handle(int request) {
        boolean sawAnother = CURRENT_USER.get() != null;
        CURRENT_USER.set("user-" + request);
        if (request % 7 == 0) {
            return sawAnother;          // the error path: forgets CURRENT_USER.remove()
        }
        CURRENT_USER.remove();
        return sawAnother;
    }
}
