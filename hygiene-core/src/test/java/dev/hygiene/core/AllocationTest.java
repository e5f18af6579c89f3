package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The steady-state cycle of a task that touched nothing allocates nothing. Measured with the
 * thread's own allocation counter; any allocation per cycle would be at least 16 bytes per cycle,
 * so fewer bytes in all than cycles proves there is none.
 */
class AllocationTest {

    private static final int CYCLES = 200_000;

    @Test
    void untouchedCycleAllocatesNothingInSteadyState() {
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
        for (int i = 0; i < CYCLES; i++) {
            hygiene.enter(task).close();
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < CYCLES; i++) {
            hygiene.enter(task).close();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < CYCLES, allocated + " bytes allocated over " + CYCLES + " cycles");
        assertTrue(hygiene.stats().tasks() == 2L * CYCLES);
        locals.forEach(ThreadLocal::remove);
    }
}
