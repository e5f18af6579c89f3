package dev.hygiene.executors;

import dev.hygiene.core.internal.ScopedRunnable;
import dev.hygiene.core.ThreadHygiene;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link HygienicExecutors#wrap(ScheduledExecutorService, ThreadHygiene)}: the scheduling methods
 * hand the delegate the task wrapped, so a periodic task gets a scope of its own on every run. The
 * futures are the delegate's, exactly as without the decorator.
 */
final class HygienicScheduledExecutorService extends HygienicExecutorService implements ScheduledExecutorService {

    private final ScheduledExecutorService delegate;

    HygienicScheduledExecutorService(ScheduledExecutorService delegate, ThreadHygiene hygiene) {
        super(delegate, hygiene);
        this.delegate = delegate;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return delegate.schedule(wrap(command), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return delegate.schedule(hygiene.wrap(Objects.requireNonNull(callable, "callable")), delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return delegate.scheduleAtFixedRate(wrap(command), initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return delegate.scheduleWithFixedDelay(wrap(command), initialDelay, delay, unit);
    }

    private Runnable wrap(Runnable command) {
        return new ScopedRunnable(hygiene, Objects.requireNonNull(command, "command"));
    }
}
