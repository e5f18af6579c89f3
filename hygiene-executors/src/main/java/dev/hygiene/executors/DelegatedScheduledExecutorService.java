package dev.hygiene.executors;

import dev.hygiene.core.ThreadHygiene;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link DelegatedExecutorService} for a scheduled pool, as
 * {@code Executors.newSingleThreadScheduledExecutor()} returns.
 */
final class DelegatedScheduledExecutorService extends DelegatedExecutorService implements ScheduledExecutorService {

    private final ScheduledExecutorService pool;

    DelegatedScheduledExecutorService(ScheduledExecutorService pool, ThreadHygiene hygiene) {
        super(pool, hygiene);
        this.pool = pool;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return pool.schedule(command, delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return pool.schedule(callable, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return pool.scheduleAtFixedRate(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return pool.scheduleWithFixedDelay(command, initialDelay, delay, unit);
    }
}
