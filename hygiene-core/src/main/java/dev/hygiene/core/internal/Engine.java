package dev.hygiene.core.internal;

import dev.hygiene.core.HygieneStats;
import dev.hygiene.core.Leftover;
import dev.hygiene.core.LeftoverListener;
import dev.hygiene.core.Mode;
import dev.hygiene.core.TaskScope;
import dev.hygiene.core.ThreadHygiene;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine behind one {@link dev.hygiene.core.ThreadHygiene}: its settings as the hot path reads
 * them, its {@link Stats}, and the scope operations that {@code ThreadHygiene} exposes. The public
 * facade validates and documents; this class only works. Sibling modules that need a scope without
 * a facade object (bytecode advice, for one) call it directly.
 *
 * <p>The settings are fixed at construction but for the mode, which {@link LiveMode} holds and an
 * operator may switch while pools run. Every scope reads it once, as it opens, and keeps it until it
 * closes; in {@link Mode#OFF} the operations here do nothing but that read.
 */
public final class Engine {

    private final String name;
    /** The current mode, shared with the stats and the MBean. */
    final LiveMode live;
    final boolean inheritable;
    final boolean threadState;
    final Retention retention;
    final Stats stats;
    final LeftoverListener listener;
    private final AtomicLong listenerFailures = new AtomicLong();
    /** How {@link #of} reaches the engine of a facade; installed by {@code ThreadHygiene}'s initialiser. */
    private static Facade facade;
    private final RateLimiter listenerFailureLog = RateLimiter.perMinute(1);

    /**
     * An engine with the given settings.
     *
     * @param name the hygiene's name, for reports, JMX and JFR
     * @param mode what a scope does when it closes
     * @param inheritable whether the inheritable map is snapshotted too
     * @param threadState whether the thread's name, priority, context class loader and
     *        uncaught-exception handler are restored
     * @param retainedLocals thread-locals retained by identity, weakly referenced
     * @param retainedTypePrefixes class-name prefixes retained, the default rules included
     * @param listener called after every scope that left something, or null
     */
    public Engine(String name, Mode mode, boolean inheritable, boolean threadState,
            List<WeakReference<ThreadLocal<?>>> retainedLocals, String[] retainedTypePrefixes,
            LeftoverListener listener) {
        this.name = Objects.requireNonNull(name, "name");
        this.live = new LiveMode(name, mode);
        this.inheritable = inheritable;
        this.threadState = threadState;
        this.retention = new Retention(retainedLocals, retainedTypePrefixes);
        this.stats = new Stats(name, live);
        this.listener = listener;
    }

    /**
     * Reads the engine of a {@link dev.hygiene.core.ThreadHygiene}, which keeps it private; implemented
     * by that class alone, see {@link #install(Facade)}.
     */
    public interface Facade {
        /**
         * The engine of {@code hygiene}.
         *
         * @param hygiene a hygiene
         * @return its engine
         */
        Engine engineOf(ThreadHygiene hygiene);
    }

    /**
     * Installs the accessor of {@code ThreadHygiene}'s engine; called by that class's initialiser,
     * once. Later calls are ignored.
     *
     * @param access the accessor
     */
    public static synchronized void install(Facade access) {
        if (facade == null) {
            facade = access;
        }
    }

    /**
     * The engine behind {@code hygiene}: for sibling modules that hold a hygiene and need what
     * only the engine offers, such as {@link #enterOutermost}.
     *
     * @param hygiene a hygiene
     * @return its engine
     */
    public static Engine of(ThreadHygiene hygiene) {
        return facade.engineOf(hygiene);
    }

    /**
     * Whether this JVM lets hygiene reach the thread-local maps.
     *
     * @return true when scopes can be opened
     */
    public static boolean supported() {
        return JdkAccess.SUPPORTED;
    }

    /**
     * Why the maps cannot be reached, and how to fix it.
     *
     * @return a sentence naming the JVM option and the agent, for an exception message
     */
    public static String unsupportedReason() {
        return JdkAccess.unsupportedReason();
    }

    /**
     * The class that leftovers of {@code task} are charged to, see {@link TaskTypes#of}.
     *
     * @param task a task, or null
     * @return its class, that of the task it wraps, or null
     */
    public static Class<?> taskType(Object task) {
        return TaskTypes.of(task);
    }

    /**
     * Snapshots the current thread and opens a scope.
     *
     * @param taskType the class to charge leftovers to, or null if unknown
     * @return the open scope, to close on this thread; in {@link Mode#OFF} a scope whose close does nothing
     */
    public TaskScope enter(Class<?> taskType) {
        Mode m = live.get();
        if (m == Mode.OFF) {
            return OffScope.INSTANCE;
        }
        Frame frame = Worker.current().push(this, taskType, false, m == Mode.ENFORCE);
        frame.capture();
        return frame;
    }

    /**
     * Opens a scope for a task of a pool's run loop, unless the current thread already has an open
     * scope: for bytecode advice around a loop that may also be hygienic by itself (a pool whose
     * hooks open scopes, a task wrapped by a decorator) or may run a task inside another (a
     * fork-join worker that helps while it joins). The first such scope on a thread first settles
     * what the thread inherited from its creator, as {@link #startClean} does for a new thread.
     *
     * @param taskType the class to charge leftovers to, or null if unknown
     * @return the open scope, to close on this thread, or null if a scope was already open or the
     *         mode is {@link Mode#OFF}
     */
    public TaskScope enterOutermost(Class<?> taskType) {
        Mode m = live.get();
        if (m == Mode.OFF) {
            return null;
        }
        Worker worker = Worker.current();
        if (worker.depth > 0) {
            return null;
        }
        if (!worker.startedClean) {
            worker.startedClean = true;
            startClean(worker.thread, m);
        }
        Frame frame = worker.push(this, taskType, false, m == Mode.ENFORCE);
        frame.capture();
        return frame;
    }

    /**
     * Snapshots the current thread and opens a scope that {@link #afterTask()} closes.
     *
     * @param taskType the class to charge leftovers to, or null if unknown
     */
    public void beforeTask(Class<?> taskType) {
        Mode m = live.get();
        if (m != Mode.OFF) {
            Worker.current().push(this, taskType, true, m == Mode.ENFORCE).capture();
        }
    }

    /**
     * Closes the innermost scope that {@link #beforeTask} of this engine opened on the current
     * thread, and every scope opened after it that is still open, innermost first.
     *
     * @return false, with nothing changed, if no such scope is open and one should be: true in
     *         {@link Mode#OFF} without a scope, and whenever the mode was ever switched, since
     *         {@code beforeTask} may then have run in OFF and opened none
     */
    public boolean afterTask() {
        LiveMode live = this.live;
        if (live.get() == Mode.OFF && !live.everSwitched()) {
            return true;
        }
        Worker worker = Worker.existing();
        int depth = worker == null ? -1 : worker.hookedDepth(this);
        if (depth < 0) {
            return live.get() == Mode.OFF || live.everSwitched();
        }
        worker.closeDownTo(depth);
        return true;
    }

    /**
     * Runs {@code task} in a scope charged to {@code taskType}, closed with
     * {@link TaskScope#closeQuietly()}.
     *
     * @param task the task
     * @param taskType the class to charge leftovers to, or null if unknown
     */
    public void run(Runnable task, Class<?> taskType) {
        Mode m = live.get();
        if (m == Mode.OFF) {
            task.run();
            return;
        }
        Frame frame = Worker.current().push(this, taskType, false, m == Mode.ENFORCE);
        frame.capture();
        try {
            task.run();
        } finally {
            frame.closeQuietly();
        }
    }

    /**
     * Settles what {@code thread} inherited from the thread that created it: removed in ENFORCE,
     * counted in AUDIT. Does nothing unless the inheritable map is in scope.
     *
     * @param thread a thread not yet started, or the current thread outside any scope
     */
    public void startClean(Thread thread) {
        startClean(thread, live.get());
    }

    private void startClean(Thread thread, Mode m) {
        if (inheritable && m != Mode.OFF) {
            Inheritance.settle(this, thread, m);
        }
    }

    /**
     * The engine's counters.
     *
     * @return the live stats
     */
    public HygieneStats stats() {
        return stats;
    }

    /**
     * The hygiene's name.
     *
     * @return the name given at construction
     */
    public String name() {
        return name;
    }

    /**
     * The engine's current mode.
     *
     * @return the mode a scope opened now runs in
     */
    public Mode mode() {
        return live.get();
    }

    /**
     * Switches the mode for every scope opened afterwards; see {@link LiveMode#switchTo}.
     *
     * @param next the new mode
     * @return the mode before
     * @throws IllegalStateException if {@code next} needs access to {@code java.lang} and this JVM
     *         does not give it
     */
    public Mode switchMode(Mode next) {
        return live.switchTo(next);
    }

    /**
     * Registers this engine's MBean for {@code owner}, if JMX can be used; never throws but for the
     * JVM's own errors.
     *
     * @param owner the object whose collection unregisters the MBean at the latest
     * @return the registration, or null if there is none
     */
    public JmxRegistration registerMBean(Object owner) {
        return JmxRegistration.register(owner, name, live, stats);
    }

    /** Hands {@code leftovers} to the listener, which must exist; what it throws is logged. */
    void notifyListener(Thread worker, List<Leftover> leftovers) {
        try {
            listener.onLeftovers(worker, leftovers);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            long failures = listenerFailures.incrementAndGet();
            if (listenerFailureLog.tryAcquire() != RateLimiter.REFUSED) {
                LeftoverLog.LOGGER.log(System.Logger.Level.WARNING, String.format(Locale.ROOT,
                        "LeftoverListener of hygiene '%s' threw (%d time(s) so far, logged at most once a minute); "
                                + "ignored: the thread was already settled and keeps working",
                        name, failures), e);
            }
        }
    }

    @Override
    public String toString() {
        return "Engine[" + name + ", " + live.get() + "]";
    }
}
