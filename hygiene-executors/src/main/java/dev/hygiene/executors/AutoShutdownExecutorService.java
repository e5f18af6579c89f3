package dev.hygiene.executors;

import dev.hygiene.core.ThreadHygiene;
import java.lang.ref.Cleaner;
import java.util.concurrent.ExecutorService;

/**
 * {@link DelegatedExecutorService} that shuts its pool down once it becomes unreachable, as the
 * executor of {@code Executors.newSingleThreadExecutor()} does, so that a forgotten single-thread
 * executor does not keep its non-daemon thread, and the JVM, alive.
 */
final class AutoShutdownExecutorService extends DelegatedExecutorService {

    /** Created on first use: one daemon thread for all auto-shutdown executors. */
    private static final class Holder {
        static final Cleaner CLEANER = Cleaner.create();
    }

    private final Cleaner.Cleanable cleanable;

    AutoShutdownExecutorService(ExecutorService pool, ThreadHygiene hygiene) {
        super(pool, hygiene);
        // The action refers to the pool only, never to this wrapper, or it would stay reachable.
        this.cleanable = Holder.CLEANER.register(this, new Shutdown(pool));
    }

    @Override
    public void shutdown() {
        super.shutdown();
        cleanable.clean();
    }

    /** Shuts the pool down when the wrapper is gone. */
    private static final class Shutdown implements Runnable {
        private final ExecutorService pool;

        Shutdown(ExecutorService pool) {
            this.pool = pool;
        }

        @Override
        public void run() {
            pool.shutdown();
        }
    }
}
