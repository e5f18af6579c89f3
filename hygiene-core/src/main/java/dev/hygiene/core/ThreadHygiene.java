package dev.hygiene.core;

import dev.hygiene.core.internal.Engine;
import dev.hygiene.core.internal.JmxRegistration;
import dev.hygiene.core.internal.ScopedRunnable;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Makes a pooled thread safe to reuse: snapshots the thread's {@code ThreadLocal} maps and state
 * before a task and restores them afterwards, so that nothing a task leaves behind reaches the next
 * one.
 *
 * <p>For a task {@code T} run on thread {@code W}, let {@code S} be the state of {@code W} just
 * before {@code T}: both thread-local maps (each live entry with its value reference) and the
 * thread's name, priority, context class loader and uncaught-exception handler. In
 * {@link Mode#ENFORCE}, when {@code T} ends, however it ends:
 * <ul>
 * <li>every entry that {@code T} added is removed; every value that {@code T} replaced is put back
 *     (the same reference, not a copy); every entry of {@code S} that {@code T} removed is put back;
 * <li>every stale entry, whose {@code ThreadLocal} the GC collected, is expunged, whether it came
 *     from {@code S} or from {@code T}, so its value is unreachable at once;
 * <li>the thread's name, priority, context class loader and uncaught-exception handler are restored;
 * <li>entries the policy {@linkplain HygienePolicy retains} stay as {@code T} left them and become
 *     part of the next snapshot;
 * <li>nothing else is touched: an entry of {@code S} is never lost.
 * </ul>
 * In {@link Mode#AUDIT} the same differences are computed and counted as {@link Leftover}s, but the
 * thread is left exactly as {@code T} left it. In {@link Mode#OFF} nothing happens.
 *
 * <p>Hygiene works on the map itself and never calls a method of {@code ThreadLocal}, so no user
 * code ({@code initialValue}, an overridden {@code set} or {@code remove}) runs while it restores.
 * It cannot undo a mutation inside a value object: if a task appends to a {@code StringBuilder}
 * that a retained or pre-existing {@code ThreadLocal} holds, the same builder is put back, appended.
 *
 * <p>Scopes nest last-in first-out: a task run inline on the submitting thread (a caller-runs
 * rejection, a direct executor, a {@code CompletableFuture} stage completed inline) gets its own
 * scope, and closing it restores the caller's own state exactly. Hygiene is snapshot and restore,
 * never "wipe the thread".
 *
 * <p>Usage, as a task decorator:
 * <pre>{@code
 * ThreadHygiene hygiene = ThreadHygiene.enforcing();
 * executor.execute(hygiene.wrap(() -> handle(request)));
 * // or, around any code on a reused thread:
 * try (TaskScope scope = hygiene.enter(task)) {
 *     task.run();
 * }
 * }</pre>
 *
 * <p>A hygiene whose policy has a {@linkplain HygienePolicy.Builder#name(String) name} (and
 * {@link #defaults()}, named {@code default}) registers its counters in the platform MBean server as
 * {@code dev.hygiene:type=ThreadHygiene,name=<name>}, a {@link ThreadHygieneMXBean}, for jconsole,
 * VisualVM and other JMX clients; {@link HygienePolicy.Builder#jmx(boolean)} turns that off or on.
 * Registration never makes building a hygiene fail, and the MBean is unregistered once the hygiene
 * has been garbage collected.
 *
 * <p>Hygiene reads private fields of {@code java.lang.Thread} and {@code ThreadLocal}; the JVM must
 * open {@code java.lang} to it (see {@link #isSupported()}). Instances are thread-safe and meant to
 * be shared by all the workers of a pool.
 */
public final class ThreadHygiene {

    static {
        Engine.install(new Engine.Facade() {
            @Override
            public Engine engineOf(ThreadHygiene hygiene) {
                return hygiene.engine;
            }
        });
    }

    private final HygienePolicy policy;
    /** Does the work; the methods here validate and answer {@link Mode#OFF} themselves. */
    private final Engine engine;
    /** This hygiene's MBean, or null if it has none. */
    private final JmxRegistration mbean;

    private ThreadHygiene(HygienePolicy policy) {
        this.policy = policy;
        this.engine = new Engine(policy.name(), policy.mode(), policy.inheritable(), policy.restoreThreadState(),
                policy.retainedLocals(), policy.retainedTypePrefixes(), policy.leftoverListener());
        // Last: the cleaner that unregisters the MBean watches this object.
        this.mbean = policy.jmx() ? engine.registerMBean(this) : null;
    }

    /**
     * A hygiene that enforces, with the default retain rules (the JDK's own thread-locals only).
     *
     * @return a new hygiene in {@link Mode#ENFORCE}
     * @throws UnsupportedOperationException if {@link #isSupported()} is false; the message names the
     *         JVM option and the agent that fix it
     */
    public static ThreadHygiene enforcing() {
        return of(HygienePolicy.builder().build());
    }

    /**
     * A hygiene that only counts leftovers and leaves every thread as its tasks left it.
     *
     * @return a new hygiene in {@link Mode#AUDIT}
     * @throws UnsupportedOperationException if {@link #isSupported()} is false
     */
    public static ThreadHygiene auditing() {
        return of(HygienePolicy.builder().mode(Mode.AUDIT).build());
    }

    /**
     * The hygiene configured by system properties, shared by everything that asks while the
     * properties stay the same (the {@code HygienicExecutors} factories among them):
     * <ul>
     * <li>{@value Config#MODE_PROPERTY}: {@code enforce} (the default when unset), {@code audit} or
     *     {@code off}, in any case;
     * <li>{@value Config#RETAIN_PROPERTY}: comma-separated class-name prefixes, as
     *     {@link HygienePolicy.Builder#retainTypes(String...)}; not read in {@code off}, so that the
     *     kill switch works whatever this property holds.
     * </ul>
     * Its name is {@value Config#DEFAULT_NAME}.
     *
     * @return the shared hygiene for the current property values
     * @throws IllegalArgumentException if a property that is read has a bad value; the message
     *         names the property, the value and what is allowed
     * @throws UnsupportedOperationException if the mode is not {@code off} and
     *         {@link #isSupported()} is false
     */
    public static ThreadHygiene defaults() {
        return Config.defaults();
    }

    /**
     * A hygiene with the given policy.
     *
     * @param policy what to do around each task
     * @return a new hygiene with its own stats
     * @throws NullPointerException if {@code policy} is null
     * @throws UnsupportedOperationException if the policy's mode is not {@link Mode#OFF} and
     *         {@link #isSupported()} is false
     */
    public static ThreadHygiene of(HygienePolicy policy) {
        Objects.requireNonNull(policy, "policy");
        if (policy.mode() != Mode.OFF && !Engine.supported()) {
            throw new UnsupportedOperationException("hygiene cannot run in " + policy.mode() + " mode: "
                    + Engine.unsupportedReason() + ". Mode OFF works without access.");
        }
        return new ThreadHygiene(policy);
    }

    /**
     * Whether this JVM lets hygiene reach the thread-local maps. It does when {@code java.lang} is
     * open to hygiene-core: start the JVM with {@code --add-opens java.base/java.lang=ALL-UNNAMED}
     * (on the module path, {@code =dev.hygiene.core}), or with {@code -javaagent:hygiene-core.jar},
     * or put {@code Add-Opens: java.base/java.lang} or {@code Launcher-Agent-Class:
     * dev.hygiene.core.HygieneAgent} in the manifest of the application's executable jar.
     *
     * @return true when {@link Mode#ENFORCE} and {@link Mode#AUDIT} can be used
     */
    public static boolean isSupported() {
        return Engine.supported();
    }

    /**
     * Snapshots the current thread and opens a scope for a task whose type is unknown.
     *
     * @return the scope to close when the task ends
     * @see #enter(Object)
     */
    public TaskScope enter() {
        return enter(null);
    }

    /**
     * Snapshots the current thread and opens a scope for {@code task}. Only the task's class is
     * kept, to attribute leftovers, and only until the scope closes; for a {@link TaskWrapper}, the
     * class of the task it wraps.
     *
     * @param task the task about to run, or null if unknown
     * @return the scope to close, on this thread, when the task ends; in {@link Mode#OFF} a scope
     *         whose close does nothing
     */
    public TaskScope enter(Object task) {
        return engine.enter(task == null ? null : Engine.taskType(task));
    }

    /**
     * Opens a scope for {@code task} on the current thread that {@link #afterTask()} closes: for
     * executors whose hooks run before and after each task but cannot hand a {@link TaskScope} from
     * one to the other, such as {@code ThreadPoolExecutor.beforeExecute} and {@code afterExecute}.
     * Otherwise the same as {@link #enter(Object)}, and as cheap.
     *
     * @param task the task about to run, or null if unknown
     */
    public void beforeTask(Object task) {
        engine.beforeTask(task == null ? null : Engine.taskType(task));
    }

    /**
     * Closes the innermost scope that {@link #beforeTask(Object)} of this hygiene opened on the
     * current thread. Scopes entered after it and still open, which only a task that entered a
     * scope and never closed it leaves, are closed first, innermost first: the thread always ends
     * up as it was before the task, whatever the task did. A scope that {@code beforeTask} opened
     * before a {@linkplain #switchMode(Mode) switch} to {@link Mode#OFF} is still closed, in its own
     * mode; when {@code beforeTask} ran in OFF there is no scope, and this does nothing.
     *
     * @throws IllegalStateException if no scope opened by {@code beforeTask} of this hygiene is open
     *         on the current thread, and the mode was never switched and is not OFF; nothing is
     *         changed then
     */
    public void afterTask() {
        if (!engine.afterTask()) {
            throw new IllegalStateException("afterTask() without beforeTask() of " + this + " on "
                    + Thread.currentThread() + ": call them in pairs, on the thread that runs the task");
        }
    }

    /**
     * Runs {@code task} in a scope of this hygiene whose leftovers are attributed to
     * {@code taskType}, on the current thread: for code that knows better than the task object
     * what was submitted, such as bytecode advice around a pool's run loop. The scope is closed
     * with {@link TaskScope#closeQuietly()}, so whatever {@code task} throws reaches the caller
     * unchanged and hygiene itself never adds an exception to it. In {@link Mode#OFF} the task
     * simply runs.
     *
     * @param task the task to run
     * @param taskType the type to charge the task's leftovers to, or null to name them after
     *        {@code task} (or the task it wraps, see {@link TaskWrapper})
     * @throws NullPointerException if {@code task} is null
     */
    public void run(Runnable task, Class<?> taskType) {
        Objects.requireNonNull(task, "task");
        engine.run(task, taskType != null ? taskType : Engine.taskType(task));
    }

    /**
     * Settles what a new, unstarted thread inherited from the thread that created it: the values
     * of the creating thread's {@code InheritableThreadLocal}s, copied by {@code Thread}'s
     * constructor, which would otherwise stay with a pool thread for its whole life. For a
     * {@code ThreadFactory} to call on each thread it makes, before returning it. In
     * {@link Mode#ENFORCE} every inherited entry is removed, so the thread starts clean as if built
     * with {@code inheritThreadLocals = false} (retain rules are about what survives a task, not
     * about what a new thread inherits); in {@link Mode#AUDIT} they are left and counted as leftovers of task
     * type {@value Leftover#THREAD_CREATION}; in {@link Mode#OFF}, or when the policy leaves
     * inheritable values alone, nothing happens. Leftovers found here count in
     * {@link HygieneStats#leftovers()} but not in {@link HygieneStats#tasks()}, and reach the
     * {@link LeftoverListener} with the new thread as the worker.
     *
     * @param thread a thread not yet started
     * @param <T> the thread's type
     * @return {@code thread}
     * @throws NullPointerException if {@code thread} is null
     * @throws IllegalArgumentException if {@code thread} was already started
     */
    public <T extends Thread> T startClean(T thread) {
        Objects.requireNonNull(thread, "thread");
        if (thread.getState() != Thread.State.NEW) {
            throw new IllegalArgumentException(thread + " was already started: startClean(thread) works on a new "
                    + "thread before its start(), as a ThreadFactory returns it");
        }
        engine.startClean(thread);
        return thread;
    }

    /**
     * Decorates a task so that it runs in a scope of this hygiene. Fits Spring's
     * {@code TaskDecorator} as {@code hygiene::wrap}. The wrapper is a {@link TaskWrapper} of
     * {@code task} and prints as {@code task} does, so that rejection messages and thread dumps
     * name the task, not hygiene.
     *
     * <p>The wrapper follows the mode current when it <em>runs</em>, not when it was wrapped: a
     * task wrapped while the hygiene is {@link Mode#OFF} runs in a scope if the mode was switched
     * to ENFORCE or AUDIT by then, and the other way round. So {@code wrap} returns a wrapper in
     * OFF too; in OFF the wrapper costs one volatile read when it runs.
     *
     * @param task the task
     * @return a runnable that runs {@code task} between {@link #enter(Object)} and
     *         {@link TaskScope#close()}; {@code task} itself when it is already wrapped by this
     *         hygiene
     * @throws NullPointerException if {@code task} is null
     */
    public Runnable wrap(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (ScopedRunnable.wraps(task, this)) {
            return task;
        }
        return new ScopedRunnable(this, task);
    }

    /**
     * Decorates a task so that it runs in a scope of this hygiene; like {@link #wrap(Runnable)}, the
     * wrapper is a {@link TaskWrapper} of {@code task} and prints as {@code task} does. As with
     * {@link #wrap(Runnable)}, the wrapper follows the mode current when it runs.
     *
     * @param task the task
     * @param <V> the task's result type
     * @return a callable that calls {@code task} between {@link #enter(Object)} and
     *         {@link TaskScope#close()}; {@code task} itself when it is already wrapped by this
     *         hygiene
     * @throws NullPointerException if {@code task} is null
     */
    public <V> Callable<V> wrap(Callable<V> task) {
        Objects.requireNonNull(task, "task");
        if (task instanceof HygienicCallable && ((HygienicCallable<?>) task).hygiene == this) {
            return task;
        }
        return new HygienicCallable<>(this, task);
    }

    /**
     * This hygiene's counters.
     *
     * @return the live stats
     */
    public HygieneStats stats() {
        return engine.stats();
    }

    /**
     * This hygiene's policy, as it was built: its {@link HygienePolicy#mode() mode} is the mode the
     * hygiene started in, which {@link #switchMode(Mode)} does not change; {@link #mode()} is the
     * current one.
     *
     * @return the policy it was built with
     */
    public HygienePolicy policy() {
        return policy;
    }

    /**
     * The mode that a scope entered now runs in: the policy's, until {@link #switchMode(Mode)} or
     * the MBean's {@code Mode} attribute switches it.
     *
     * @return the current mode
     */
    public Mode mode() {
        return engine.mode();
    }

    /**
     * Switches this hygiene to {@code mode} without a restart, for every scope entered from now on:
     * tasks that start afterwards, on any thread, run in the new mode; a scope already open (a
     * task running now) finishes in the mode it started in, so no task is ever half in one mode
     * and half in the other. Its MBean's writable {@code Mode} attribute does the same from
     * jconsole. Each change is logged once, at INFO on logger {@code dev.hygiene}, naming the
     * hygiene and both modes; switching to the current mode does nothing. Thread-safe.
     *
     * <p>Switching to {@link Mode#AUDIT} leaves every thread as it is from then on: what an
     * enforcing task would have undone stays. Switching from AUDIT to {@link Mode#ENFORCE} restores
     * each thread to its state at the start of each later task, so leftovers from the audited
     * period stay on the threads until a task removes them. {@link Mode#OFF} opens no scopes.
     *
     * @param mode the new mode
     * @return the mode before the switch
     * @throws NullPointerException if {@code mode} is null
     * @throws IllegalStateException if {@code mode} is ENFORCE or AUDIT and {@link #isSupported()}
     *         is false; the message names the fix and that OFF is allowed, and the mode is
     *         unchanged
     */
    public Mode switchMode(Mode mode) {
        return engine.switchMode(mode);
    }

    /**
     * The object name under which this hygiene's {@link ThreadHygieneMXBean} is registered, such as
     * {@code dev.hygiene:type=ThreadHygiene,name=http-workers-2}, or null if it is not.
     */
    String mbeanName() {
        return mbean == null || mbean.released() ? null : mbean.name();
    }

    /**
     * Releases at once what this hygiene holds outside itself, instead of when it is garbage
     * collected: its MBean is unregistered, so that a hygiene built afterwards with the same name
     * registers under the plain name again (a Spring context that is closed and started again gets
     * {@code name=spring}, not {@code name=spring-2}). The hygiene keeps working without its MBean:
     * scopes still restore or count, and {@link #stats()} stays readable. Calling it again does
     * nothing. Thread-safe.
     */
    public void release() {
        if (mbean != null) {
            mbean.release();
        }
    }

    @Override
    public String toString() {
        return "ThreadHygiene[" + policy.name() + ", " + engine.mode() + "]";
    }

    /** A callable decorated by {@link #wrap(Callable)}. */
    private static final class HygienicCallable<V> implements Callable<V>, TaskWrapper {
        final ThreadHygiene hygiene;
        private final Callable<V> task;

        HygienicCallable(ThreadHygiene hygiene, Callable<V> task) {
            this.hygiene = hygiene;
            this.task = task;
        }

        @Override
        public Object wrappedTask() {
            return task;
        }

        @Override
        public V call() throws Exception {
            TaskScope scope = hygiene.enter(task);
            try {
                return task.call();
            } finally {
                scope.close();
            }
        }

        @Override
        public String toString() {
            return task.toString();
        }
    }
}
