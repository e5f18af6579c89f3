package dev.hygiene.core.internal;

import dev.hygiene.core.Leftover;
import java.util.Arrays;

/**
 * What one close found: the leftovers, as kinds and classes, and the number of stale entries
 * expunged. Written by the settling code ({@link MapSnapshot}, {@link Frame}'s thread-state check,
 * {@link Inheritance}) while the thread is being settled, and read once, afterwards, by
 * {@link Report}, which decides what to build from it. Nothing here calls back into the writers or
 * the readers: data flows engine, findings, report.
 *
 * <p>A leftover of the same kind, map and classes as the one found just before it is counted on
 * that one's finding instead of being written again, and a task that leaves several entries
 * mostly leaves them alike (four {@code ThreadLocal<String>}s added are one finding). A finding
 * stands for {@link #repeats(int)} equal leftovers, {@link #count()} in all, and {@link Report}
 * expands it, so that what the readers of a close see is the same as with one finding per leftover.
 *
 * <p>Each finding is a {@link Finding}, allocated once and reused, whose fields a close writes in
 * place: no close writes or clears an array. When the findings were columns of arrays, writing and
 * clearing them cost about 18 ns of the 145 ns close of a task that added 4 entries (JDK 25,
 * SnapshotCycleBenchmark.modified); benchmarks/RESULTS.md has the measurements.
 *
 * <p>Each {@link Frame} keeps one, reused from close to close, so that a task with leftovers
 * allocates nothing here in steady state. It holds classes (never keys, values or tasks) and only
 * between the settle and the report of one close: {@link #clear()} drops them, so no class loader
 * is pinned between tasks.
 */
final class Findings {

    private static final int INITIAL = 8;

    /** One finding: a kind of leftover, its classes, and how many equal leftovers it stands for. */
    private static final class Finding {
        Leftover.Kind kind;
        /** The {@code ThreadLocal}'s class, or null for a collected one and for thread state. */
        Class<?> localType;
        /** The value's class, or null for a null value. */
        Class<?> valueType;
        /** The {@code Thread} property of a {@link Leftover.Kind#THREAD_STATE} finding, else null. */
        String property;
        boolean inheritable;
        int repeats;
    }

    /** Findings 0 to {@code size - 1}, then unused ones, each allocated once and reused. */
    private Finding[] findings = newFindings(new Finding[0], INITIAL);
    /** The number of findings. */
    private int size;
    /** The number of leftovers: the sum of the findings' repeats. */
    private int count;
    private int staleExpunged;

    /**
     * A leftover entry: {@code key} is null for a stale one. An entry added holding null is what a
     * {@code get()} that found nothing leaves; it carries nothing to the next task, so it is settled
     * (removed) but not found, or reading an unset context would look like a leak.
     */
    void entry(Leftover.Kind kind, ThreadLocal<?> key, Object value, boolean inheritable) {
        entryOfType(kind, key == null ? null : key.getClass(), value, inheritable);
    }

    /** A leftover entry of a {@code ThreadLocal} of class {@code localType}, null for a stale one. */
    void entryOfType(Leftover.Kind kind, Class<?> localType, Object value, boolean inheritable) {
        if (value == null && kind == Leftover.Kind.ADDED) {
            return;
        }
        Class<?> valueType = value == null ? null : value.getClass();
        if (size > 0) {
            Finding last = findings[size - 1];
            if (last.kind == kind && last.localType == localType && last.valueType == valueType
                    && last.inheritable == inheritable) {
                last.repeats++;
                count++;
                return;
            }
        }
        Finding f = next();
        f.kind = kind;
        f.localType = localType;
        f.valueType = valueType;
        f.inheritable = inheritable;
    }

    /** A changed thread property, now holding {@code value}. */
    void threadState(String property, Object value) {
        Finding f = next();
        f.kind = Leftover.Kind.THREAD_STATE;
        f.property = property;
        f.valueType = value == null ? null : value.getClass();
    }

    /** Stale entries that the settle removed from a map. */
    void expunged(int stale) {
        staleExpunged += stale;
    }

    /** The next finding, counting one leftover; its classes and property are null. */
    private Finding next() {
        if (size == findings.length) {
            findings = newFindings(findings, size * 2);
        }
        Finding f = findings[size++];
        f.inheritable = false;
        f.repeats = 1;
        count++;
        return f;
    }

    private static Finding[] newFindings(Finding[] from, int length) {
        Finding[] grown = Arrays.copyOf(from, length);
        for (int i = from.length; i < length; i++) {
            grown[i] = new Finding();
        }
        return grown;
    }

    /** The number of leftovers found. */
    int count() {
        return count;
    }

    /** The number of findings, each for {@link #repeats(int)} leftovers; at most {@link #count()}. */
    int size() {
        return size;
    }

    /** How many equal leftovers finding {@code i} stands for. */
    int repeats(int i) {
        return findings[i].repeats;
    }

    int staleExpunged() {
        return staleExpunged;
    }

    Leftover.Kind kind(int i) {
        return findings[i].kind;
    }

    Class<?> localType(int i) {
        return findings[i].localType;
    }

    Class<?> valueType(int i) {
        return findings[i].valueType;
    }

    String property(int i) {
        return findings[i].property;
    }

    boolean inheritable(int i) {
        return findings[i].inheritable;
    }

    /** Whether findings {@code i} and {@code j} fall in the same stats row. */
    boolean sameRow(int i, int j) {
        return localType(i) == localType(j) && valueType(i) == valueType(j) && property(i) == property(j)
                && (kind(i) == Leftover.Kind.REMOVED) == (kind(j) == Leftover.Kind.REMOVED);
    }

    /** Forgets everything found, dropping the classes. */
    void clear() {
        for (int i = 0, n = size; i < n; i++) {
            Finding f = findings[i];
            f.localType = null;
            f.valueType = null;
            f.property = null;
        }
        size = 0;
        count = 0;
        staleExpunged = 0;
    }
}
