package dev.hygiene.core;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A main class for {@link ChildJvm}, like {@link ChildProbe}, that builds named hygienes, whose
 * policies ask for JMX, and runs tasks under them. It refers to nothing outside {@code java.base}
 * itself, so it runs in a JVM started with {@code --limit-modules java.base}. Prints, as
 * {@code probe.jmx.<key>=<value>} lines:
 * <dl>
 * <dt>{@code management}<dd>whether the boot layer has the module {@code java.management}
 * <dt>{@code first}, {@code second}<dd>the {@code mbeanName()} of two hygienes built with the same
 *     name, or {@code null}
 * <dt>{@code sameWorker}, {@code nextTaskSees}<dd>on a single-thread pool, task 1, wrapped by the
 *     first hygiene, sets a {@code ThreadLocal} and does not remove it; task 2 reports what it sees
 * <dt>{@code tasks}, {@code leftovers}<dd>the first hygiene's counters afterwards
 * </dl>
 * Exit code 0 when it ran to its end; anything thrown, building a hygiene included, ends it with
 * {@link ChildProbe#EXIT_PROBE_FAILED} and the stack trace on stderr.
 */
final class JmxProbe {

    /** The name both hygienes are built with. */
    static final String NAME = "probe-pool";

    private JmxProbe() {
    }

    public static void main(String[] args) {
        try {
            run();
        } catch (Throwable e) {
            System.out.flush();
            System.err.println("JmxProbe threw:");
            e.printStackTrace();
            System.err.flush();
            System.exit(ChildProbe.EXIT_PROBE_FAILED);
        }
        System.out.flush();
    }

    private static void run() throws Exception {
        print("management", ModuleLayer.boot().findModule("java.management").isPresent());
        ThreadHygiene first = ThreadHygiene.of(HygienePolicy.builder().name(NAME).build());
        ThreadHygiene second = ThreadHygiene.of(HygienePolicy.builder().name(NAME).build());
        print("first", first.mbeanName());
        print("second", second.mbeanName());

        ThreadLocal<String> local = new ThreadLocal<>();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Thread worker = pool.submit(first.wrap(() -> {
                local.set(ChildProbe.LEFT_VALUE);
                return Thread.currentThread();
            })).get(30, TimeUnit.SECONDS);
            print("sameWorker", pool.submit(() -> Thread.currentThread() == worker).get(30, TimeUnit.SECONDS));
            print("nextTaskSees", pool.submit(local::get).get(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdown();
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new AssertionError("pool did not terminate within 30 s");
            }
        }
        print("tasks", first.stats().tasks());
        print("leftovers", first.stats().leftovers());
    }

    private static void print(String key, Object value) {
        ChildProbe.print("jmx." + key, value);
    }
}
