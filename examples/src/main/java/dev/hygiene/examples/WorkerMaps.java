package dev.hygiene.examples;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.util.List;

/**
 * Measures what pooled worker threads hold, from outside the threads: the stale entries in their
 * thread-local maps, and the heap that the workers keep reachable.
 *
 * <p><b>Stale entries</b> are counted by reading the private fields {@code Thread.threadLocals} and
 * {@code Thread.inheritableThreadLocals} and each map's entry table by reflection, after a full GC
 * (so that every {@code ThreadLocal} nobody references any more has been collected): an entry whose
 * weak key is cleared is stale, and its value is still strongly held. This needs {@code java.lang}
 * opened to the class path ({@code --add-opens java.base/java.lang=ALL-UNNAMED}), as hygiene itself
 * does. The threads must be alive (a dead thread's maps are gone) and idle: the maps are read
 * without any lock, which is only safe while their owners do not touch them.
 *
 * <p><b>Heap retained</b> is measured, not estimated: the heap in use after a full GC while the
 * workers are alive, minus the heap in use after a full GC once they have ended
 * ({@link #heapFreedBy}). A dead thread's maps are unreachable, so the difference is what the
 * workers held: their leftovers, plus the few kilobytes of the thread objects and, under hygiene,
 * its per-thread state. Anything else the program frees or allocates in between shows up too, so the
 * caller must keep the rest of the program quiet (no requests in flight, the server already
 * stopped). "In use after a GC" is the sum, over the heap's memory pools, of the usage the JVM
 * recorded right after its last collection; unlike {@code Runtime.freeMemory()} it does not count
 * the allocation buffers threads grab after the collection.
 */
final class WorkerMaps {

    private static final long SETTLE_MILLIS = 50;
    private static final long SETTLE_BYTES = 64 * 1024;

    private static final Field THREAD_LOCALS;
    private static final Field INHERITABLE_THREAD_LOCALS;
    private static final Field TABLE;
    private static final Field VALUE;

    static {
        try {
            THREAD_LOCALS = accessible(Thread.class.getDeclaredField("threadLocals"));
            INHERITABLE_THREAD_LOCALS = accessible(Thread.class.getDeclaredField("inheritableThreadLocals"));
            TABLE = accessible(Class.forName("java.lang.ThreadLocal$ThreadLocalMap").getDeclaredField("table"));
            VALUE = accessible(Class.forName("java.lang.ThreadLocal$ThreadLocalMap$Entry").getDeclaredField("value"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError(new IllegalStateException(
                    "cannot read thread-local maps: run with --add-opens java.base/java.lang=ALL-UNNAMED", e));
        }
    }

    private WorkerMaps() {
    }

    private static Field accessible(Field field) {
        field.setAccessible(true);
        return field;
    }

    /**
     * What the workers' maps hold in stale entries.
     *
     * @param entries stale entries in both maps of all the workers
     * @param bufferBytes the bytes of the {@code byte[]} values among them, the arrays' lengths
     */
    record Stale(int entries, long bufferBytes) {
    }

    /**
     * Runs a full GC, then counts the stale entries of the workers' maps.
     *
     * @param workers live, idle threads
     * @return the stale entries found
     */
    static Stale staleEntries(List<Thread> workers) {
        collectGarbage();
        int entries = 0;
        long bytes = 0;
        for (Thread worker : workers) {
            for (Field map : new Field[] {THREAD_LOCALS, INHERITABLE_THREAD_LOCALS}) {
                for (Object entry : table(worker, map)) {
                    if (entry != null && ((Reference<?>) entry).refersTo(null)) {
                        entries++;
                        if (value(entry) instanceof byte[] buffer) {
                            bytes += buffer.length;
                        }
                    }
                }
            }
        }
        return new Stale(entries, bytes);
    }

    /**
     * The heap in use after a full GC, minus the heap in use after a full GC once {@code release}
     * has run: what the objects that {@code release} made unreachable held.
     *
     * @param release ends what is measured, for example by stopping a pool and joining its threads
     * @return bytes freed; about zero, or slightly negative, when {@code release} freed nothing
     * @throws InterruptedException if {@code release} is interrupted
     */
    static long heapFreedBy(Release release) throws InterruptedException {
        long before = settledUsedAfterGc();
        release.run();
        return before - usedAfterGc();
    }

    /**
     * The heap in use after a full GC, once two readings {@value #SETTLE_MILLIS} ms apart agree
     * within {@value #SETTLE_BYTES} bytes (at most ten readings): what other threads drop in the
     * background just after a load, such as the HTTP client closing the connections of a stopped
     * server, is gone before the measurement instead of being counted as freed by the release.
     */
    private static long settledUsedAfterGc() throws InterruptedException {
        long used = usedAfterGc();
        for (int i = 1; i < 10; i++) {
            Thread.sleep(SETTLE_MILLIS);
            long again = usedAfterGc();
            if (Math.abs(again - used) < SETTLE_BYTES) {
                return again;
            }
            used = again;
        }
        return used;
    }

    /** Something that releases memory, such as ending a pool's threads. */
    @FunctionalInterface
    interface Release {
        void run() throws InterruptedException;
    }

    private static long usedAfterGc() {
        collectGarbage();
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage afterGc = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (afterGc != null) {
                used += afterGc.getUsed();
            }
        }
        return used;
    }

    /** Two full GCs: the first may leave work (reference processing) that the second finishes. */
    private static void collectGarbage() {
        System.gc();
        System.gc();
    }

    private static Object[] table(Thread thread, Field mapField) {
        try {
            Object map = mapField.get(thread);
            return map == null ? new Object[0] : (Object[]) TABLE.get(map);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object value(Object entry) {
        try {
            return VALUE.get(entry);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
