package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Leftovers are charged to the submitted task behind {@link TaskWrapper}s, at every front door. */
class TaskWrapperTest {

    private final ThreadLocal<Object> local = new ThreadLocal<>();
    private final List<Leftover> heard = new CopyOnWriteArrayList<>();
    private ThreadHygiene hygiene;
    private ReusedThread thread;

    @BeforeEach
    void start() {
        hygiene = ThreadHygiene.of(HygienePolicy.builder().onLeftovers((w, leftovers) -> heard.addAll(leftovers))
                .build());
        thread = new ReusedThread("task-wrapper");
    }

    @AfterEach
    void stop() {
        thread.close();
    }

    /** What a caller submitted. */
    final class OrderHandler implements Runnable {
        @Override
        public void run() {
            local.set("order");
        }
    }

    /** A carrier of another task, such as a tracing decorator. */
    static final class Carrier implements Runnable, TaskWrapper {
        private final Object task;

        Carrier(Object task) {
            this.task = task;
        }

        @Override
        public void run() {
            ((Runnable) task).run();
        }

        @Override
        public Object wrappedTask() {
            return task;
        }
    }

    private String chargedTo(Runnable carrier, boolean hooked) {
        heard.clear();
        thread.run(() -> {
            if (hooked) {
                hygiene.beforeTask(carrier);
                carrier.run();
                hygiene.afterTask();
            } else {
                try (TaskScope scope = hygiene.enter(carrier)) {
                    carrier.run();
                }
            }
        });
        assertEquals(1, heard.size(), heard.toString());
        return heard.get(0).taskType();
    }

    @Test
    void enterAndHooksFollowNestedWrappersToTheSubmittedTask() {
        Runnable nested = new Carrier(new Carrier(new OrderHandler()));
        assertEquals(OrderHandler.class.getName(), chargedTo(nested, false));
        assertEquals(OrderHandler.class.getName(), chargedTo(nested, true));
    }

    /** A wrapper that does not know its task, or names itself. */
    static final class Opaque implements Runnable, TaskWrapper {
        private final boolean self;
        private final Runnable body;

        Opaque(boolean self, Runnable body) {
            this.self = self;
            this.body = body;
        }

        @Override
        public void run() {
            body.run();
        }

        @Override
        public Object wrappedTask() {
            return self ? this : null;
        }
    }

    @Test
    void wrapperThatReturnsNullOrItselfIsTheTask() {
        assertEquals(Opaque.class.getName(), chargedTo(new Opaque(false, () -> local.set("x")), false));
        assertEquals(Opaque.class.getName(), chargedTo(new Opaque(true, () -> local.set("x")), false));
        assertEquals(Opaque.class.getName(), chargedTo(new Carrier(new Opaque(true, () -> local.set("x"))), false));
    }

    @Test
    void wrappedRunnablesAndCallablesAreNamedAfterWhatWasWrapped() throws Exception {
        heard.clear();
        Runnable wrapped = hygiene.wrap(new OrderHandler());
        thread.run(wrapped);
        assertEquals(OrderHandler.class.getName(), heard.get(0).taskType());
        assertEquals(OrderHandler.class.getName(), chargedTo(new Carrier(wrapped), false),
                "a scope around wrap()'s runnable is charged to the wrapped task too");

        heard.clear();
        Callable<Object> callable = hygiene.wrap(new Callable<Object>() {
            @Override
            public Object call() {
                local.set("c");
                return null;
            }
        });
        thread.call(callable);
        assertEquals(TaskWrapperTest.class.getName() + "$1", heard.get(0).taskType());
        assertEquals(((TaskWrapper) callable).wrappedTask().getClass().getName(), heard.get(0).taskType());
    }
}
