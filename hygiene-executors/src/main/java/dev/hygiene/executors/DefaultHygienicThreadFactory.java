package dev.hygiene.executors;

import dev.hygiene.core.HygienicThread;
import dev.hygiene.core.Mode;
import dev.hygiene.core.ThreadHygiene;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link HygienicExecutors#defaultThreadFactory}: {@code Executors.defaultThreadFactory()}'s
 * threads (the creating thread's group, non-daemon, normal priority, named
 * {@code hygienic-pool-N-thread-M}), built as {@link HygienicThread}s. In {@link Mode#ENFORCE} they
 * inherit nothing from the creating thread (unless the policy leaves inheritable values alone);
 * otherwise they inherit as any thread does and {@link ThreadHygiene#startClean} counts it (audit)
 * or leaves it (off).
 */
final class DefaultHygienicThreadFactory implements ThreadFactory {

    private static final AtomicInteger POOL_NUMBER = new AtomicInteger(1);

    final ThreadHygiene hygiene;
    private final ThreadGroup group;
    private final String namePrefix;
    private final AtomicInteger threadNumber = new AtomicInteger(1);

    DefaultHygienicThreadFactory(ThreadHygiene hygiene) {
        this.hygiene = hygiene;
        this.group = Thread.currentThread().getThreadGroup();
        this.namePrefix = "hygienic-pool-" + POOL_NUMBER.getAndIncrement() + "-thread-";
    }

    @Override
    public Thread newThread(Runnable r) {
        // Inherit exactly when startClean would leave what was inherited: the same start as
        // threadFactory(delegate, hygiene) gives, without copying values only to drop them. Read
        // per thread, since the mode can be switched while the pool runs.
        boolean inherit = hygiene.mode() != Mode.ENFORCE || !hygiene.policy().inheritable();
        Thread thread = new HygienicThread(group, r, namePrefix + threadNumber.getAndIncrement(), 0L, inherit);
        if (thread.isDaemon()) {
            thread.setDaemon(false);
        }
        if (thread.getPriority() != Thread.NORM_PRIORITY) {
            thread.setPriority(Thread.NORM_PRIORITY);
        }
        return hygiene.startClean(thread);
    }

    @Override
    public String toString() {
        return "DefaultHygienicThreadFactory[" + hygiene + ", " + namePrefix + "N]";
    }
}
