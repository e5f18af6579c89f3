package dev.hygiene.spring.boot;

import dev.hygiene.core.ThreadHygiene;
import java.util.Objects;
import org.springframework.core.Ordered;
import org.springframework.core.task.TaskDecorator;

/**
 * A {@link TaskDecorator} that runs each task in a scope of its hygiene, as
 * {@link ThreadHygiene#wrap(Runnable)} does: each call of the decorated task's {@code run()} is one
 * scope, so a periodic task of a {@code ThreadPoolTaskScheduler} gets one scope per run.
 *
 * <p>Its order is {@link Ordered#LOWEST_PRECEDENCE}. Spring Boot 4.0 gives its
 * {@code ThreadPoolTaskExecutor} and {@code ThreadPoolTaskScheduler} every {@code TaskDecorator}
 * bean, composed in order in a {@code CompositeTaskDecorator}, where the last decorator wraps all
 * the others: so hygiene is outermost and its scope also spans what a user's own decorator
 * (an MDC or security-context copier) sets and forgets to clear. A user's decorator without an
 * order has the same order; it is registered before the auto-configuration's beans, and the sort
 * is stable, so it still comes first.
 */
public final class HygieneTaskDecorator implements TaskDecorator, Ordered {

    private final ThreadHygiene hygiene;

    /**
     * A decorator for the given hygiene.
     *
     * @param hygiene the hygiene whose scopes the tasks run in
     * @throws NullPointerException if {@code hygiene} is null
     */
    public HygieneTaskDecorator(ThreadHygiene hygiene) {
        this.hygiene = Objects.requireNonNull(hygiene, "hygiene");
    }

    /**
     * Wraps the task in a scope.
     *
     * @param runnable the task, possibly decorated already
     * @return the task run in a scope of this decorator's hygiene
     */
    @Override
    public Runnable decorate(Runnable runnable) {
        return hygiene.wrap(runnable);
    }

    /**
     * The lowest precedence, so that hygiene is the outermost decorator.
     *
     * @return {@link Ordered#LOWEST_PRECEDENCE}
     */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public String toString() {
        return "HygieneTaskDecorator[" + hygiene + "]";
    }
}
