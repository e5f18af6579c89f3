package dev.hygiene.core;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The main class of the child JVMs that {@link ChildJvm} starts: runs the probes named by its
 * arguments, in order, and prints what each saw as {@code probe.<key>=<value>} lines on stdout.
 * It uses nothing but the JDK and hygiene-core, so it also runs patched into the module
 * {@code dev.hygiene.core} on the module path.
 *
 * <dl>
 * <dt>{@code supported}<dd>{@code supported=}{@link ThreadHygiene#isSupported()}
 * <dt>{@code module}<dd>{@code module=} the module hygiene-core was loaded into
 * <dt>{@code enforcing}, {@code auditing}<dd>builds the hygiene: {@code <probe>=ok} and
 *     {@code <probe>.mode}, or {@code <probe>=failed}, {@code <probe>.exception} (the class) and
 *     {@code <probe>.message}
 * <dt>{@code defaults}<dd>likewise for {@link ThreadHygiene#defaults()}, plus {@code defaults.name}
 *     and {@code defaults.retainTypes}
 * <dt>{@code clean}<dd>on a single-thread pool, task 1 sets a {@code ThreadLocal} and an
 *     {@code InheritableThreadLocal} and does not remove them; task 2, on the same worker, prints
 *     what it sees. {@code clean.plain.*} is the dirty control without hygiene,
 *     {@code clean.hygienic.*} has task 1 wrapped by {@link ThreadHygiene#enforcing()}
 * <dt>{@code retain}<dd>like {@code clean} with {@link ThreadHygiene#defaults()}, where task 1 also
 *     sets a {@link KeptLocal}: prints what task 2 sees of both
 * <dt>{@code off}<dd>builds a {@link Mode#OFF} hygiene with {@link ThreadHygiene#of} and runs a
 *     wrapped task on a pool
 * <dt>{@code leftovers}<dd>prints {@code leftovers.jfrModule}, whether the boot layer has
 *     {@code jdk.jfr}; then, for an ENFORCE and an AUDIT hygiene named {@code child-enforce} and
 *     {@code child-audit}, each with a listener, runs a task on a pool that leaves a
 *     {@code ThreadLocal}, an {@code InheritableThreadLocal} and a changed priority, and settles a
 *     new thread that inherited a value with {@link ThreadHygiene#startClean}: {@value #LEFTOVERS}
 *     leftovers each, printed as {@code leftovers.<mode>.count}, {@code leftovers.<mode>.heard} (by
 *     the listener) and {@code leftovers.<mode>.local} (what the next task on the worker sees)
 * </dl>
 *
 * Exit codes: {@link #EXIT_OK} when every probe ran to its end (a probe that reports an expected
 * failure, such as {@code enforcing=failed}, ran to its end), {@link #EXIT_PROBE_FAILED} when a probe
 * threw (the stack trace is on stderr), {@link #EXIT_USAGE} for unknown or missing arguments.
 * Every pool is shut down, so the JVM exits by itself when the probes are done.
 */
final class ChildProbe {

    /** Starts every result line; other output (JVM warnings, say) is not a result. */
    static final String PREFIX = "probe.";

    static final int EXIT_OK = 0;
    static final int EXIT_PROBE_FAILED = 1;
    static final int EXIT_USAGE = 2;

    /** What task 1 leaves behind. */
    static final String LEFT_VALUE = "left-by-task-1";

    private static final long TIMEOUT_SECONDS = 30;

    /** A thread-local whose class name a {@code hygiene.retain} prefix can name. */
    static final class KeptLocal extends ThreadLocal<String> {
    }

    private ChildProbe() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            usage("no probe given");
        }
        for (String probe : args) {
            try {
                switch (probe) {
                    case "supported":
                        print("supported", ThreadHygiene.isSupported());
                        break;
                    case "module":
                        Module module = ThreadHygiene.class.getModule();
                        print("module", module.isNamed() ? module.getName() : "unnamed");
                        break;
                    case "enforcing":
                        build("enforcing", ThreadHygiene::enforcing);
                        break;
                    case "auditing":
                        build("auditing", ThreadHygiene::auditing);
                        break;
                    case "defaults":
                        defaults();
                        break;
                    case "clean":
                        clean();
                        break;
                    case "retain":
                        retain();
                        break;
                    case "off":
                        off();
                        break;
                    case "leftovers":
                        leftovers();
                        break;
                    default:
                        usage("unknown probe '" + probe + "'");
                }
            } catch (Throwable e) {
                System.out.flush();
                System.err.println("probe '" + probe + "' threw:");
                e.printStackTrace();
                System.err.flush();
                System.exit(EXIT_PROBE_FAILED);
            }
        }
        System.out.flush();
    }

    private static void usage(String problem) {
        System.err.println(problem + "; usage: ChildProbe (supported|module|enforcing|auditing|defaults|clean|retain|off|leftovers)...");
        System.exit(EXIT_USAGE);
    }

    /** Prints one result line; line breaks in the value are escaped so that it stays one line. */
    static void print(String key, Object value) {
        String text = String.valueOf(value).replace("\r", "\\r").replace("\n", "\\n");
        System.out.println(PREFIX + key + "=" + text);
    }

    private static ThreadHygiene build(String key, Supplier<ThreadHygiene> factory) {
        ThreadHygiene hygiene;
        try {
            hygiene = factory.get();
        } catch (RuntimeException e) {
            print(key, "failed");
            print(key + ".exception", e.getClass().getName());
            print(key + ".message", e.getMessage());
            return null;
        }
        print(key, "ok");
        print(key + ".mode", hygiene.policy().mode());
        return hygiene;
    }

    private static void defaults() {
        ThreadHygiene hygiene = build("defaults", ThreadHygiene::defaults);
        if (hygiene != null) {
            print("defaults.name", hygiene.policy().name());
            print("defaults.retainTypes", hygiene.policy().retainedTypes());
        }
    }

    private static void clean() throws Exception {
        ThreadLocal<String> local = new ThreadLocal<>();
        InheritableThreadLocal<String> inheritable = new InheritableThreadLocal<>();
        Runnable leave = () -> {
            local.set(LEFT_VALUE);
            inheritable.set(LEFT_VALUE);
        };
        Callable<String> seeLocal = local::get;
        Callable<String> seeInheritable = inheritable::get;

        nextTaskSees("clean.plain", null, leave, "local", seeLocal, "inheritable", seeInheritable);

        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        nextTaskSees("clean.hygienic", hygiene, leave, "local", seeLocal, "inheritable", seeInheritable);
        print("clean.hygienic.tasks", hygiene.stats().tasks());
        print("clean.hygienic.leftovers", hygiene.stats().leftovers());
    }

    private static void retain() throws Exception {
        ThreadLocal<String> plain = new ThreadLocal<>();
        KeptLocal kept = new KeptLocal();
        Runnable leave = () -> {
            plain.set(LEFT_VALUE);
            kept.set(LEFT_VALUE);
        };
        nextTaskSees("retain", ThreadHygiene.defaults(), leave, "local", plain::get, "kept", kept::get);
    }

    /**
     * On a new single-thread pool, runs {@code first} (wrapped by {@code hygiene} unless it is null),
     * then two unwrapped probes on the same worker, and prints {@code <key>.sameWorker} and what the
     * probes returned as {@code <key>.<name>}.
     */
    private static void nextTaskSees(String key, ThreadHygiene hygiene, Runnable first, String name1,
            Callable<String> probe1, String name2, Callable<String> probe2) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            AtomicReference<Thread> worker = new AtomicReference<>();
            Runnable task = () -> {
                worker.set(Thread.currentThread());
                first.run();
            };
            get(pool.submit(hygiene == null ? task : hygiene.wrap(task)));
            print(key + ".sameWorker", get(pool.submit(() -> Thread.currentThread() == worker.get())));
            print(key + "." + name1, get(pool.submit(probe1)));
            print(key + "." + name2, get(pool.submit(probe2)));
        } finally {
            shutdown(pool);
        }
    }

    private static void off() throws Exception {
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().mode(Mode.OFF).build());
        print("off.mode", hygiene.policy().mode());
        AtomicBoolean ran = new AtomicBoolean();
        Runnable task = () -> ran.set(true);
        Runnable wrapped = hygiene.wrap(task);
        print("off.wrapsTask", wrapped instanceof TaskWrapper && ((TaskWrapper) wrapped).wrappedTask() == task);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            get(pool.submit(wrapped));
            print("off.ran", ran.get());
            print("off.callable", get(pool.submit(hygiene.wrap(() -> "called"))));
        } finally {
            shutdown(pool);
        }
        try (TaskScope scope = hygiene.enter()) {
            print("off.enter", "ok");
        }
        print("off.tasks", hygiene.stats().tasks());
        for (Mode mode : new Mode[] {Mode.ENFORCE, Mode.AUDIT}) {
            try {
                hygiene.switchMode(mode);
                print("off.switchTo" + mode, "switched");
            } catch (IllegalStateException e) {
                print("off.switchTo" + mode, "rejected: " + e.getMessage());
            }
        }
        print("off.modeAfterSwitches", hygiene.mode());
    }

    /** What the {@code leftovers} probe leaves, per hygiene. */
    static final int LEFTOVERS = 4;

    private static void leftovers() throws Exception {
        print("leftovers.jfrModule", ModuleLayer.boot().findModule("jdk.jfr").isPresent());
        leftovers("enforce", Mode.ENFORCE);
        leftovers("audit", Mode.AUDIT);
    }

    private static void leftovers(String name, Mode mode) throws Exception {
        String key = "leftovers." + name;
        AtomicInteger heard = new AtomicInteger();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().name("child-" + name).mode(mode)
                .onLeftovers((worker, leftovers) -> heard.addAndGet(leftovers.size())).build());
        ThreadLocal<String> local = new ThreadLocal<>();
        InheritableThreadLocal<String> inheritable = new InheritableThreadLocal<>();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            get(pool.submit(hygiene.wrap(() -> {
                local.set(LEFT_VALUE);
                inheritable.set(LEFT_VALUE);
                Thread.currentThread().setPriority(Thread.MIN_PRIORITY);
            })));
            print(key + ".local", get(pool.submit(local::get)));
        } finally {
            shutdown(pool);
        }
        inheritable.set(LEFT_VALUE);
        try {
            hygiene.startClean(new Thread(() -> { }, "created-by-" + name));
        } finally {
            inheritable.remove();
        }
        print(key + ".count", hygiene.stats().leftovers());
        print(key + ".heard", heard.get());
    }

    private static <T> T get(Future<T> future) throws Exception {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("a probe task did not finish within " + TIMEOUT_SECONDS + " s", e);
        }
    }

    private static void shutdown(ExecutorService pool) throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("pool did not terminate within " + TIMEOUT_SECONDS + " s");
        }
    }
}
