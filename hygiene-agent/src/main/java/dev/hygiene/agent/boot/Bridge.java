package dev.hygiene.agent.boot;

import dev.hygiene.core.TaskScope;
import dev.hygiene.core.internal.Engine;
import dev.hygiene.core.internal.LeftoverLog;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the instrumented run loops call instead of running a task themselves: each call runs one
 * task in a scope of the agent's hygiene, unless the thread already is in a scope (a hygienic
 * pool's hooks opened one, or a fork-join worker runs a task while it joins another). The rewritten
 * call sites have the same stack effect as the calls they replace, so a run loop's own
 * {@code try}/{@code catch} around the task sees exactly what the task threw.
 *
 * <p>Loaded from the boot class path, so every class loader's pools reach the same engine. Called on
 * every task in the JVM: no allocation, no lock. A failure of hygiene itself never reaches the
 * task or the pool: it is logged once and the task runs as it would without the agent.
 */
public final class Bridge {

    /** Set by {@link Installer} before any run loop is rewritten, so before this class is initialised. */
    private static final Engine ENGINE = Installer.engine();

    private static final MethodHandle EXEC = execHandle();
    private static final Class<?> CARRIER_THREAD = carrierThreadClass();
    private static final AtomicBoolean FAILURE_LOGGED = new AtomicBoolean();

    private Bridge() {
    }

    /**
     * Runs one task of a run loop ({@code ThreadPoolExecutor.runWorker} and its kin) in a scope.
     *
     * @param task the task the loop was about to run
     */
    public static void run(Runnable task) {
        TaskScope scope = enter(task);
        if (scope == null) {
            task.run();
            return;
        }
        try {
            task.run();
        } finally {
            scope.closeQuietly();
        }
    }

    /**
     * Runs one task of a loop inside a long-running job in a scope of its own, nested in the job's.
     *
     * @param task the task the loop was about to run
     */
    public static void runNested(Runnable task) {
        TaskScope scope = enterNested(task);
        if (scope == null) {
            task.run();
            return;
        }
        try {
            task.run();
        } finally {
            scope.closeQuietly();
        }
    }

    /**
     * Runs {@code adapter.service(request, response)} for Tomcat's HTTP/1.1 processor in a scope of
     * its own: a processor serves several keep-alive requests in one task. The call goes through a
     * method handle found once per adapter class, since Tomcat's types are not visible from the boot
     * class path; what {@code service} throws reaches the processor unchanged.
     *
     * @param adapter an {@code org.apache.coyote.Adapter}
     * @param request its {@code org.apache.coyote.Request}
     * @param response its {@code org.apache.coyote.Response}
     * @throws Throwable whatever {@code service} throws
     */
    public static void tomcatService(Object adapter, Object request, Object response) throws Throwable {
        MethodHandle service = TomcatAdapter.SERVICE.get(adapter.getClass());
        TaskScope scope = enterNested(request);
        if (scope == null) {
            service.invokeExact(adapter, request, response);
            return;
        }
        try {
            service.invokeExact(adapter, request, response);
        } finally {
            scope.closeQuietly();
        }
    }

    /** {@code Adapter.service} for each adapter class, as {@code (Object, Object, Object) void}. */
    private static final class TomcatAdapter {
        static final ClassValue<MethodHandle> SERVICE = new ClassValue<>() {
            @Override
            protected MethodHandle computeValue(Class<?> adapterClass) {
                try {
                    ClassLoader loader = adapterClass.getClassLoader();
                    Class<?> adapter = Class.forName("org.apache.coyote.Adapter", false, loader);
                    Class<?> request = Class.forName("org.apache.coyote.Request", false, loader);
                    Class<?> response = Class.forName("org.apache.coyote.Response", false, loader);
                    return MethodHandles.publicLookup()
                            .findVirtual(adapter, "service", MethodType.methodType(void.class, request, response))
                            .asType(MethodType.methodType(void.class, Object.class, Object.class, Object.class));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("Tomcat's Adapter.service cannot be reached from " + adapterClass, e);
                }
            }
        };
    }

    /**
     * Runs {@code task.exec()} for {@code ForkJoinTask.doExec}: in a scope when the current thread is
     * a fork-join pool's worker (not a virtual thread's carrier) and in no scope yet, that is, for
     * top-level tasks only.
     *
     * @param task the task whose {@code exec()} {@code doExec} was about to call
     * @return what {@code exec()} returned
     */
    public static boolean exec(ForkJoinTask<?> task) {
        Thread thread = Thread.currentThread();
        TaskScope scope = thread instanceof ForkJoinWorkerThread && thread.getClass() != CARRIER_THREAD
                ? enter(task) : null;
        if (scope == null) {
            return invokeExec(task);
        }
        try {
            return invokeExec(task);
        } finally {
            scope.closeQuietly();
        }
    }

    /** A scope for {@code task}, null when the thread is already in one or hygiene failed. */
    private static TaskScope enter(Object task) {
        return enter(task, false);
    }

    /** A scope for {@code task} nested in whatever is open, null when hygiene failed. */
    private static TaskScope enterNested(Object task) {
        return enter(task, true);
    }

    private static TaskScope enter(Object task, boolean nested) {
        try {
            Class<?> type = TaskNames.typeOf(task);
            return nested ? ENGINE.enter(type) : ENGINE.enterOutermost(type);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            if (FAILURE_LOGGED.compareAndSet(false, true)) {
                LeftoverLog.LOGGER.log(System.Logger.Level.WARNING, "hygiene-agent could not open a scope for "
                        + "a task; it ran without hygiene, as will any other that fails the same way (logged once). "
                        + "Please report this with the stack trace", e);
            }
            return null;
        }
    }

    private static boolean invokeExec(ForkJoinTask<?> task) {
        try {
            return (boolean) EXEC.invokeExact(task);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            // exec() declares no checked exception; a sneaky one passes through as it would have.
            throw Bridge.<RuntimeException>sneaky(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable e) throws T {
        throw (T) e;
    }

    private static MethodHandle execHandle() {
        try {
            return MethodHandles.privateLookupIn(ForkJoinTask.class, MethodHandles.lookup())
                    .findVirtual(ForkJoinTask.class, "exec", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ForkJoinTask.exec() cannot be reached; java.util.concurrent must be "
                    + "open to hygiene-agent", e);
        }
    }

    /** {@code jdk.internal.misc.CarrierThread} on JDK 19 and later, else a class no thread has. */
    private static Class<?> carrierThreadClass() {
        try {
            return Class.forName("jdk.internal.misc.CarrierThread", false, null);
        } catch (ClassNotFoundException e) {
            return Void.class;
        }
    }
}
