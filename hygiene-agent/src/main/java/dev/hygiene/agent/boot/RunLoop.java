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
        // A TimerTask is a Runnable: the bridge's run(Runnable) takes it as it is.
        new RunLoop("java.util.TimerThread", "mainLoop", "java/util/TimerTask", "run", RUN_DESCRIPTOR, false,
                "run", "(Ljava/lang/Runnable;)V", "JDK Timer"),
        runnable("org.apache.tomcat.util.threads.ThreadPoolExecutor", "runWorker", "Tomcat"),
        // One task of Tomcat's serves every keep-alive request whose bytes are already there: each
        // request gets a scope of its own, nested in the task's.
        new RunLoop("org.apache.coyote.http11.Http11Processor", "service", "org/apache/coyote/Adapter", "service",
                "(Lorg/apache/coyote/Request;Lorg/apache/coyote/Response;)V", true, "tomcatService",
                "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)V", "Tomcat HTTP/1.1 requests"),
        runnable("org.eclipse.jetty.util.thread.QueuedThreadPool", "runJob", "Jetty"),
        nested("org.eclipse.jetty.util.thread.ReservedThreadExecutor$ReservedThread", "run", "Jetty reserved threads"),
        nested("org.eclipse.jetty.util.thread.strategy.AdaptiveExecutionStrategy", "runTask",
                "Jetty tasks run by their producer"),
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

    /** A loop whose thread is in no scope when it runs a task: each task gets one unless it is. */
    private static RunLoop runnable(String className, String method, String label) {
        return new RunLoop(className, method, RUNNABLE, "run", RUN_DESCRIPTOR, true, "run",
                "(Ljava/lang/Runnable;)V", label);
    }

    /**
     * A loop inside a long-running job of a pool (Jetty's reserved threads and the selector that
     * consumes what it produces run as one job each): each task gets a scope of its own, nested in
     * the job's.
     */
    private static RunLoop nested(String className, String method, String label) {
        return new RunLoop(className, method, RUNNABLE, "run", RUN_DESCRIPTOR, true, "runNested",
                "(Ljava/lang/Runnable;)V", label);
    }

    @Override
    public String toString() {
        return className + "." + method;
    }
}
