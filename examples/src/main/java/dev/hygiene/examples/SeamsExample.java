package dev.hygiene.examples;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.Leftover;
import dev.hygiene.core.TaskScope;
import dev.hygiene.core.TaskWrapper;
import dev.hygiene.core.ThreadHygiene;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The README's "Building on hygiene" examples: one scope's own leftovers, a wrapper that keeps the
 * submitted task's name, and releasing a hygiene.
 */
public final class SeamsExample {

    private SeamsExample() {
    }

    private static final ThreadLocal<String> USER = new ThreadLocal<>();

    /** A request handler that forgets its cleanup. */
    static final class OrderHandler implements Runnable {
        @Override
        public void run() {
            USER.set("alice");
        }
    }

    // README:wrapper
    /** A decorator of your own: leftovers are still charged to the task it carries. */
    static final class Counted implements Runnable, TaskWrapper {
        static final LongAdder RUNS = new LongAdder();
        private final Runnable task;

        Counted(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            RUNS.increment();
            task.run();
        }

        @Override
        public Object wrappedTask() {
            return task;
        }
    }
    // README:end

    /**
     * Runs the examples and prints what each found.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().name("seams").build());
        Runnable task = new Counted(new OrderHandler());

        // README:finish
        TaskScope scope = hygiene.enter(task);
        task.run();
        List<Leftover> leftovers = scope.finish();      // restored, and what was left
        if (!leftovers.isEmpty()) {
            System.out.println(leftovers.get(0).taskType() + " left " + leftovers.get(0).typeKey());
        }
        // README:end

        System.out.println("after the scope: " + USER.get());

        // README:release
        hygiene.release();   // its MBean is gone now, not when the GC gets to it
        // README:end
    }
}
