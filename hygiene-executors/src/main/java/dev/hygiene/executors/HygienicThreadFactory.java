package dev.hygiene.executors;

import dev.hygiene.core.ThreadHygiene;
import java.util.concurrent.ThreadFactory;

/**
 * {@link HygienicExecutors#threadFactory}: the delegate makes the thread, then
 * {@link ThreadHygiene#startClean} settles what it inherited, before anyone can start it.
 */
final class HygienicThreadFactory implements ThreadFactory {

    final ThreadFactory delegate;
    final ThreadHygiene hygiene;

    HygienicThreadFactory(ThreadFactory delegate, ThreadHygiene hygiene) {
        this.delegate = delegate;
        this.hygiene = hygiene;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread thread = delegate.newThread(r);
        return thread == null ? null : hygiene.startClean(thread);
    }

    @Override
    public String toString() {
        return "HygienicThreadFactory[" + hygiene + " over " + delegate + "]";
    }
}
