package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The steady-state cycle of a task that touched nothing allocates nothing. Measured with the
 * thread's own allocation counter; any allocation per cycle would be at least 16 bytes per cycle,
 * so fewer bytes in all than cycles proves there is none. Each test runs on a fresh thread, like a
 * new pool worker, so that nothing earlier tests left on a shared thread takes part.
 */
class AllocationTest {

    private static void onFreshThread(Runnable test) {
        try (ReusedThread thread = new ReusedThread("allocation")) {
            thread.run(test);
        }
    }

    private static final int CYCLES = 200_000;

    @Test
    void untouchedCycleAllocatesNothingInSteadyState() {
        onFreshThread(() -> untouchedCycle(false));
    }

    @Test
    void untouchedCycleOnAHygienicThreadAllocatesNothingInSteadyState() {
        // Its state is in a field, not the map: a different path through Worker.current().
        try (ReusedThread thread = new ReusedThread(task -> new HygienicThread(null, task, "allocation"))) {
            thread.run(() -> untouchedCycle(false));
        }
    }

    @Test
    void untouchedHookedCycleAllocatesNothingInSteadyState() {
        onFreshThread(() -> untouchedCycle(true));
    }

    private static void untouchedCycle(boolean hooked) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<ThreadLocal<Object>> locals = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ThreadLocal<Object> local = new ThreadLocal<>();
            local.set("value-" + i);
            InheritableThreadLocal<Object> inheritable = new InheritableThreadLocal<>();
            inheritable.set("inherited-" + i);
            locals.add(local);
            locals.add(inheritable);
        }
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        Object task = new Object();
        cycles(hygiene, task, hooked);
        long before = threads.getCurrentThreadAllocatedBytes();
        cycles(hygiene, task, hooked);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < CYCLES, allocated + " bytes allocated over " + CYCLES + " cycles");
        assertTrue(hygiene.stats().tasks() == 2L * CYCLES);
        locals.forEach(ThreadLocal::remove);
    }

    /** Untouched cycles: enter and close, or beforeTask and afterTask as a pool's hooks call them. */
    private static void cycles(ThreadHygiene hygiene, Object task, boolean hooked) {
        if (hooked) {
            for (int i = 0; i < CYCLES; i++) {
                hygiene.beforeTask(task);
                hygiene.afterTask();
            }
        } else {
            for (int i = 0; i < CYCLES; i++) {
                hygiene.enter(task).close();
            }
        }
    }

    @Test
    void modifiedCycleAllocatesNoMoreThanHandWrittenRemove() {
        onFreshThread(AllocationTest::modifiedCycle);
    }

    private static void modifiedCycle() {
        // Arrays and indexed loops: an ArrayList iterator is free only where C2 inlines it, and the
        // test must measure hygiene, not the JIT's view of the test.
        @SuppressWarnings("unchecked")
        ThreadLocal<Object>[] existing = (ThreadLocal<Object>[]) new ThreadLocal<?>[8];
        for (int i = 0; i < existing.length; i++) {
            existing[i] = new ThreadLocal<>();
            existing[i].set("value-" + i);
        }
        @SuppressWarnings("unchecked")
        ThreadLocal<Object>[] added = (ThreadLocal<Object>[]) new ThreadLocal<?>[4];
        for (int i = 0; i < added.length; i++) {
            added[i] = new ThreadLocal<>();
        }
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        Object task = new Object();
        Runnable hygienic = () -> {
            TaskScope scope = hygiene.enter(task);
            try {
                touch(existing, added);
            } finally {
                scope.close();
            }
        };
        Runnable byHand = () -> {
            Object old0 = existing[0].get();
            Object old1 = existing[1].get();
            try {
                touch(existing, added);
            } finally {
                for (int i = 0; i < added.length; i++) {
                    added[i].remove();
                }
                existing[0].set(old0);
                existing[1].set(old1);
            }
        };
        long hygienicBytes = allocatedPerCycle(hygienic);
        long byHandBytes = allocatedPerCycle(byHand);
        assertTrue(byHandBytes > 0, "the task itself allocates its new entries");
        assertTrue(hygienicBytes <= byHandBytes, "hygiene allocated " + hygienicBytes
                + " B per cycle where the hand-written finally allocates " + byHandBytes + " B");
        assertTrue(hygiene.stats().leftovers() == 6L * (1 + ROUNDS) * CYCLES);
        for (ThreadLocal<Object> local : existing) {
            local.remove();
        }
    }

    private static void touch(ThreadLocal<Object>[] existing, ThreadLocal<Object>[] added) {
        for (int i = 0; i < added.length; i++) {
            added[i].set(Boolean.TRUE);
        }
        existing[0].set(Boolean.FALSE);
        existing[1].set(Boolean.TRUE);
    }

    /** Measurement rounds after warm-up; the steady state is the least a round allocated. */
    private static final int ROUNDS = 3;

    private static long allocatedPerCycle(Runnable cycle) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < CYCLES; i++) {
            cycle.run();
        }
        long least = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < CYCLES; i++) {
                cycle.run();
            }
            least = Math.min(least, (threads.getCurrentThreadAllocatedBytes() - before) / CYCLES);
        }
        return least;
    }
}
