package dev.hygiene.executors;

import dev.hygiene.core.internal.ScopedRunnable;
import dev.hygiene.core.ThreadHygiene;
import java.util.Objects;
import java.util.concurrent.Executor;

/** {@link HygienicExecutors#wrap(Executor, ThreadHygiene)} for a plain {@link Executor}. */
final class HygienicExecutor implements Executor {

    final Executor delegate;
    final ThreadHygiene hygiene;

    HygienicExecutor(Executor delegate, ThreadHygiene hygiene) {
        this.delegate = delegate;
        this.hygiene = hygiene;
    }

    @Override
    public void execute(Runnable command) {
        delegate.execute(new ScopedRunnable(hygiene, Objects.requireNonNull(command, "command")));
    }

    @Override
    public String toString() {
        return "HygienicExecutor[" + hygiene + " over " + delegate + "]";
    }
}
