package dev.hygiene.core;

import dev.hygiene.core.internal.Worker;

/**
 * A thread made for pool work: it can start without inheriting the {@code InheritableThreadLocal}
 * values of the thread that created it, and it carries hygiene's per-thread state in a field, so
 * that entering and closing a scope on it needs no thread-local lookup of hygiene's own. This is
 * the thread that the {@code HygienicExecutors} thread factories build; any thread works with
 * hygiene, this one only works faster (compare Netty's {@code FastThreadLocalThread}).
 *
 * <p>Unlike {@code Thread}'s own constructor with {@code inheritThreadLocals = false}, which on
 * JDK 19 and later also gives the thread the system class loader, this one always starts with the
 * creating thread's context class loader, as {@code Executors.defaultThreadFactory()} threads do,
 * on every JDK.
 */
public class HygienicThread extends Thread {

    /** Hygiene's state for this thread; read and written by this thread only. */
    private Worker hygieneState;

    static {
        Worker.install(new Worker.ThreadField() {
            @Override
            public Worker get(HygienicThread thread) {
                return thread.hygieneState;
            }

            @Override
            public void set(HygienicThread thread, Worker worker) {
                thread.hygieneState = worker;
            }
        });
    }

    /**
     * Creates a thread that inherits no {@code InheritableThreadLocal} values.
     *
     * @param group the thread group, or null for the creating thread's group
     * @param task what the thread runs, or null to run {@link #run()}
     * @param name the thread's name
     * @throws NullPointerException if {@code name} is null
     */
    public HygienicThread(ThreadGroup group, Runnable task, String name) {
        this(group, task, name, 0L, false);
    }

    /**
     * Creates a thread, choosing whether it inherits the creating thread's
     * {@code InheritableThreadLocal} values.
     *
     * @param group the thread group, or null for the creating thread's group
     * @param task what the thread runs, or null to run {@link #run()}
     * @param name the thread's name
     * @param stackSize the desired stack size, or 0 to ignore it, as in
     *        {@link Thread#Thread(ThreadGroup, Runnable, String, long, boolean)}
     * @param inheritThreadLocals whether to copy the creating thread's inheritable values
     * @throws NullPointerException if {@code name} is null
     */
    @SuppressWarnings("this-escape")
    public HygienicThread(ThreadGroup group, Runnable task, String name, long stackSize,
            boolean inheritThreadLocals) {
        super(group, task, name, stackSize, inheritThreadLocals);
        ClassLoader creatorLoader = Thread.currentThread().getContextClassLoader();
        if (getContextClassLoader() != creatorLoader) {
            setContextClassLoader(creatorLoader);
        }
    }
}
