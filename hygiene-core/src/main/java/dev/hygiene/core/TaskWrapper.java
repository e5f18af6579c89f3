package dev.hygiene.core;

/**
 * A task that runs another task on its behalf: a {@code FutureTask} built for a submitted
 * {@code Callable}, a scheduled-task wrapper, a decorator. Hygiene attributes what a scope's task
 * leaves behind to the task that was submitted, not to its carrier: {@link ThreadHygiene#enter(Object)}
 * and {@link ThreadHygiene#beforeTask(Object)} follow {@link #wrappedTask()} from the object they are
 * given, through nested wrappers, and name the innermost task's class in every {@link Leftover},
 * report, log line and JFR event. Every front door of hygiene (the decorators and pools of
 * {@code hygiene-executors}, {@link ThreadHygiene#wrap(Runnable)}, the agent) names tasks this way.
 *
 * <p>Implement it on a wrapper of your own to have leftovers named after what your callers
 * submitted:
 * <pre>{@code
 * final class TracedTask implements Runnable, TaskWrapper {
 *     private final Runnable task;
 *     TracedTask(Runnable task) { this.task = task; }
 *     public void run() { try (Span span = tracer.start()) { task.run(); } }
 *     public Object wrappedTask() { return task; }
 * }
 * }</pre>
 *
 * <p>The chain is followed at most 16 levels deep, and a wrapper that
 * returns null or itself is taken as the task; {@code wrappedTask()} is called on the thread that
 * enters the scope, before the snapshot, so it must be cheap and must not touch thread-locals.
 */
@FunctionalInterface
public interface TaskWrapper {

    /**
     * The task this one runs on behalf of, as its caller submitted it.
     *
     * @return the wrapped task, or null if it is not known
     */
    Object wrappedTask();
}
