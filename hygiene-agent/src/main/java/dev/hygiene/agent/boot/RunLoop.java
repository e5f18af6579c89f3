package dev.hygiene.agent.boot;

/**
 * One instrumented run loop: in method {@link #method} of class {@link #className}, the one call that
 * runs a task ({@link #callOwner}{@code .}{@link #callName}{@link #callDescriptor}) becomes a call of
 * the {@link Bridge} method {@link #bridgeName} with descriptor {@link #bridgeDescriptor}, which has
 * the same stack effect. A loop whose method holds no such call, or more than one, has an
 * unexpected shape and is left alone.
 */
final class RunLoop {

    private static final String RUNNABLE = "java/lang/Runnable";
    private static final String RUN_DESCRIPTOR = "()V";

    /** The loops this agent knows, JDK first. */
    static final RunLoop[] ALL = {
        runnable("java.util.concurrent.ThreadPoolExecutor", "runWorker", "JDK ThreadPoolExecutor"),
        new RunLoop("java.util.concurrent.ForkJoinTask", "doExec", "java/util/concurrent/ForkJoinTask", "exec",
                "()Z", false, "exec", "(Ljava/util/concurrent/ForkJoinTask;)Z", "JDK ForkJoinPool"),
        new RunLoop("java.util.TimerThread", "mainLoop", "java/util/TimerTask", "run", RUN_DESCRIPTOR, false,
                "runTimerTask", "(Ljava/util/TimerTask;)V", "JDK Timer"),
        runnable("org.apache.tomcat.util.threads.ThreadPoolExecutor", "runWorker", "Tomcat"),
        runnable("org.eclipse.jetty.util.thread.QueuedThreadPool", "runJob", "Jetty"),
        runnable("org.eclipse.jetty.util.thread.ReservedThreadExecutor$ReservedThread", "run", "Jetty reserved threads"),
        runnable("io.netty.util.concurrent.AbstractEventExecutor", "safeExecute", "Netty"),
        runnable("io.netty.util.concurrent.AbstractEventExecutor", "runTask", "Netty"),
        runnable("org.jboss.threads.EnhancedQueueExecutor$ThreadBody", "run", "jboss-threads"),
    };

    final String className;
    final String internalName;
    final String method;
    final String callOwner;
    final String callName;
    final String callDescriptor;
    /** Whether the replaced call is {@code invokeinterface}; else {@code invokevirtual}. */
    final boolean callOnInterface;
    final String bridgeName;
    final String bridgeDescriptor;
    /** What the INFO line calls it. */
    final String label;

    private RunLoop(String className, String method, String callOwner, String callName, String callDescriptor,
            boolean callOnInterface, String bridgeName, String bridgeDescriptor, String label) {
        this.className = className;
        this.internalName = className.replace('.', '/');
        this.method = method;
        this.callOwner = callOwner;
        this.callName = callName;
        this.callDescriptor = callDescriptor;
        this.callOnInterface = callOnInterface;
        this.bridgeName = bridgeName;
        this.bridgeDescriptor = bridgeDescriptor;
        this.label = label;
    }

    private static RunLoop runnable(String className, String method, String label) {
        return new RunLoop(className, method, RUNNABLE, "run", RUN_DESCRIPTOR, true, "run",
                "(Ljava/lang/Runnable;)V", label);
    }

    @Override
    public String toString() {
        return className + "." + method;
    }
}
