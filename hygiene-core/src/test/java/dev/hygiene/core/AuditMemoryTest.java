package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.testsupport.RawMaps;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * AUDIT changes nothing, memory included: a thread whose tasks each leave a new {@code ThreadLocal}
 * holding a large value keeps no more stale entries and no more of those values alive under AUDIT
 * than the same thread without hygiene (the control, whose thread keeps plenty); ENFORCE keeps none.
 * The JDK expunges stale entries only when later {@code set}s happen to probe them, so the plain
 * figure varies from run to run: each mode runs several rounds, interleaved, and the sums are
 * compared with an allowance for that noise, loose under G1, whose figures spread most.
 * {@link AuditMemorySerialIT} runs the same under the Serial collector, in a child JVM, with a
 * tight one: before the fix, AUDIT kept about 1.9 times the plain thread's entries there.
 */
class AuditMemoryTest {

    static final int TASKS = 2_000;
    static final int VALUE_BYTES = 64 * 1024;
    static final int ROUNDS = 4;

    /** What a thread holds once its tasks ran and full GCs had their chance. */
    record Held(int staleEntries, int valuesAlive) {
        Held plus(Held other) {
            return new Held(staleEntries + other.staleEntries, valuesAlive + other.valuesAlive);
        }

        long retainedMiB() {
            return (long) valuesAlive * VALUE_BYTES >> 20;
        }
    }

    /** What each mode's threads held, summed over the rounds. */
    record Sums(Held plain, Held audit, Held enforce) {
    }

    /** {@link #ROUNDS} rounds of each mode, interleaved, see {@link #run}. */
    static Sums rounds(boolean rawMaps) throws InterruptedException {
        Held plain = new Held(0, 0);
        Held audit = new Held(0, 0);
        Held enforce = new Held(0, 0);
        for (int round = 0; round < ROUNDS; round++) {
            plain = plain.plus(run(null, rawMaps));
            audit = audit.plus(run(ThreadHygiene.auditing(), rawMaps));
            enforce = enforce.plus(run(ThreadHygiene.enforcing(), rawMaps));
        }
        return new Sums(plain, audit, enforce);
    }

    @Test
    void auditKeepsNoMoreStaleEntriesOrHeapThanAPlainThread() throws InterruptedException {
        Sums sums = rounds(true);
        Held plain = sums.plain();
        Held audit = sums.audit();
        Held enforce = sums.enforce();
        System.out.printf("AuditMemoryTest, %d rounds of %d tasks of %d KiB: plain %s = %d MiB, audit %s = %d MiB, "
                + "enforce %s%n", ROUNDS, TASKS, VALUE_BYTES >> 10, plain, plain.retainedMiB(), audit,
                audit.retainedMiB(), enforce);

        assertTrue(plain.staleEntries() > ROUNDS * 100, "control: without hygiene the thread keeps stale entries " + plain);
        assertTrue(audit.staleEntries() > 0, "AUDIT leaves the thread as the tasks left it " + audit);
        // G1's figures spread widely from round to round (a plain round gave 1,311 to 2,235 stale
        // entries on JDK 25), so this bound is loose; the Serial run (AuditMemorySerialIT) is tight.
        assertNoMoreThanPlain(plain, audit, 0.5);
        assertEquals(new Held(0, 0), enforce, "ENFORCE expunges every stale entry as its task ends");
    }

    /** AUDIT's sums at most the plain thread's plus {@code noise} of them (and 64 entries). */
    static void assertNoMoreThanPlain(Held plain, Held audit, double noise) {
        int allowance = 64 + (int) (plain.staleEntries() * noise);
        assertTrue(audit.staleEntries() <= plain.staleEntries() + allowance,
                "AUDIT keeps no more stale entries than the plain thread: " + audit + " vs " + plain);
        assertTrue(audit.valuesAlive() <= plain.valuesAlive() + allowance,
                "AUDIT keeps no more values alive than the plain thread: " + audit + " vs " + plain);
    }

    /**
     * Runs the tasks on a new thread, under {@code hygiene} or, when null, without, and measures
     * what that thread holds while still alive, after full GCs. Counting stale entries reads the raw
     * map ({@code rawMaps}); without it, as in a child JVM, each surviving value is one stale entry.
     */
    static Held run(ThreadHygiene hygiene, boolean rawMaps) throws InterruptedException {
        List<WeakReference<byte[]>> values = new ArrayList<>(TASKS);
        AtomicInteger stale = new AtomicInteger(-1);
        Thread thread = new Thread(() -> {
            for (int i = 0; i < TASKS; i++) {
                Runnable task = () -> {
                    byte[] value = new byte[VALUE_BYTES];
                    new ThreadLocal<byte[]>().set(value);   // dropped at once: a stale entry to be
                    values.add(new WeakReference<>(value));
                };
                if (hygiene == null) {
                    task.run();
                } else {
                    try (TaskScope scope = hygiene.enter(task)) {
                        task.run();
                    }
                }
            }
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            stale.set(rawMaps ? RawMaps.staleValues(false).size() : -1);
        }, "memory-" + (hygiene == null ? "plain" : hygiene.mode()));
        thread.start();
        thread.join();
        int alive = 0;
        for (WeakReference<byte[]> ref : values) {
            if (!ref.refersTo(null)) {
                alive++;
            }
        }
        return new Held(rawMaps ? stale.get() : alive, alive);
    }

    /** For {@link AuditMemorySerialIT}: prints each mode's sums as {@code probe.<mode>=<stale>}. */
    public static void main(String[] args) throws InterruptedException {
        Sums sums = rounds(false);
        System.out.println("probe.plain=" + sums.plain().valuesAlive());
        System.out.println("probe.audit=" + sums.audit().valuesAlive());
        System.out.println("probe.enforce=" + sums.enforce().valuesAlive());
    }
}
