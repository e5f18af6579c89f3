package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Restoring never calls a ThreadLocal method that a subclass can override. */
class NoUserCodeTest {

    /** Counts every overridable call, as TTL-style subclasses with side effects would notice. */
    static final class CountingLocal extends InheritableThreadLocal<Object> {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        protected Object initialValue() {
            calls.incrementAndGet();
            return "initial";
        }

        @Override
        public Object get() {
            calls.incrementAndGet();
            return super.get();
        }

        @Override
        public void set(Object value) {
            calls.incrementAndGet();
            super.set(value);
        }

        @Override
        public void remove() {
            calls.incrementAndGet();
            super.remove();
        }

        @Override
        protected Object childValue(Object parentValue) {
            calls.incrementAndGet();
            return parentValue;
        }
    }

    @Test
    void restoreCallsNoOverridableThreadLocalMethod() {
        CountingLocal removedByTask = new CountingLocal();
        CountingLocal changedByTask = new CountingLocal();
        CountingLocal addedByTask = new CountingLocal();
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        try (ReusedThread thread = new ReusedThread("counted")) {
            thread.run(() -> {
                removedByTask.set("base");
                changedByTask.set("base");
            });
            List<Integer> callsDuringClose = thread.call(() -> {
                TaskScope scope = hygiene.enter();
                removedByTask.remove();
                changedByTask.set("task");
                addedByTask.set("task");
                int before = removedByTask.calls.get() + changedByTask.calls.get() + addedByTask.calls.get();
                scope.close();
                int after = removedByTask.calls.get() + changedByTask.calls.get() + addedByTask.calls.get();
                return List.of(before, after);
            });
            assertEquals(callsDuringClose.get(0), callsDuringClose.get(1), "no call while closing");
            assertEquals("base", thread.call(removedByTask::get), "and yet the removed entry is back");
            assertEquals("base", thread.call(changedByTask::get));
        }
    }
}
