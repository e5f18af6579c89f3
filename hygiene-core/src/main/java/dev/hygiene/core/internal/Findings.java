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
 * <p>The first and the last findings live in fields, the ones between them in arrays: a close that
 * finds one or two kinds of leftover, the usual case (a request that overwrote some context and
 * added some), writes no array and clears none. On the benchmark machine, medians of interleaved
 * runs of SnapshotCycleBenchmark.modified: a task that adds 4 entries alike closed in 131 ns
 * instead of 140 on JDK 25 and in 140 instead of 158 on JDK 17 with the last finding in fields; one
 * that also overwrites 2 values, at 8 entries, in 189-200 ns instead of 217-242 on JDK 25 and in
 * 227 instead of 248 on JDK 17 with the first one in fields too.
 *
 * <p>Each {@link Frame} keeps one, reused from close to close, so that a task with leftovers
 * allocates nothing here in steady state. It holds classes (never keys, values or tasks) and only
 * between the settle and the report of one close: {@link #clear()} drops them, so no class loader
 * is pinned between tasks.
 */
final class Findings {

    private static final int INITIAL = 8;

    /*
     * Finding size - 1 in the last* fields, finding 0 (when it is not the last) in the first*
     * fields, findings 1 to size - 2 in the arrays at their own index (index 0 stays unused).
     */
    private Leftover.Kind[] kinds = new Leftover.Kind[INITIAL];
    /** The {@code ThreadLocal}'s class, or null for a collected one and for thread state. */
    private Class<?>[] localTypes = new Class<?>[INITIAL];
    /** The value's class, or null for a null value. */
    private Class<?>[] valueTypes = new Class<?>[INITIAL];
    /** The {@code Thread} property of a {@link Leftover.Kind#THREAD_STATE} finding, else null. */
    private String[] properties = new String[INITIAL];
    private boolean[] inheritable = new boolean[INITIAL];
    /** How many equal leftovers each finding stands for. */
    private int[] repeats = new int[INITIAL];

    /** The last finding, when {@code size > 0}: the same columns as the arrays. */
    private Leftover.Kind lastKind;
    private Class<?> lastLocalType;
    private Class<?> lastValueType;
    private String lastProperty;
    private boolean lastInheritable;
    private int lastRepeats;

    /** The first finding, when {@code size > 1}: a settle's two kinds (values changed, entries added) need no array. */
    private Leftover.Kind firstKind;
    private Class<?> firstLocalType;
    private Class<?> firstValueType;
    private String firstProperty;
    private boolean firstInheritable;
    private int firstRepeats;

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
        // An entry's kind is never THREAD_STATE, so a match leaves lastProperty null.
        if (size > 0 && lastKind == kind && lastLocalType == localType && lastValueType == valueType
                && lastInheritable == inheritable) {
            lastRepeats++;
            count++;
            return;
        }
        add(kind, localType, valueType, null, inheritable);
    }

    /** A changed thread property, now holding {@code value}. */
    void threadState(String property, Object value) {
        add(Leftover.Kind.THREAD_STATE, null, value == null ? null : value.getClass(), property, false);
    }

    /** Stale entries that the settle removed from a map. */
    void expunged(int stale) {
        staleExpunged += stale;
    }

    /** Makes a new last finding, moving the one before to the first* fields or the arrays. */
    private void add(Leftover.Kind kind, Class<?> localType, Class<?> valueType, String property,
            boolean inheritable) {
        int previous = size - 1;
        if (previous == 0) {
            firstKind = lastKind;
            firstLocalType = lastLocalType;
            firstValueType = lastValueType;
            firstProperty = lastProperty;
            firstInheritable = lastInheritable;
            firstRepeats = lastRepeats;
        } else if (previous > 0) {
            if (previous == kinds.length) {
                grow(previous * 2);
            }
            kinds[previous] = lastKind;
            localTypes[previous] = lastLocalType;
            valueTypes[previous] = lastValueType;
            properties[previous] = lastProperty;
            this.inheritable[previous] = lastInheritable;
            repeats[previous] = lastRepeats;
        }
        lastKind = kind;
        lastLocalType = localType;
        lastValueType = valueType;
        lastProperty = property;
        lastInheritable = inheritable;
        lastRepeats = 1;
        size++;
        count++;
    }

    private void grow(int length) {
        kinds = Arrays.copyOf(kinds, length);
        localTypes = Arrays.copyOf(localTypes, length);
        valueTypes = Arrays.copyOf(valueTypes, length);
        properties = Arrays.copyOf(properties, length);
        inheritable = Arrays.copyOf(inheritable, length);
        repeats = Arrays.copyOf(repeats, length);
    }

    /** Whether {@code i} is the last finding, the one in the last* fields. */
    private boolean isLast(int i) {
        return i == size - 1;
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
        return isLast(i) ? lastRepeats : i == 0 ? firstRepeats : repeats[i];
    }

    int staleExpunged() {
        return staleExpunged;
    }

    Leftover.Kind kind(int i) {
        return isLast(i) ? lastKind : i == 0 ? firstKind : kinds[i];
    }

    Class<?> localType(int i) {
        return isLast(i) ? lastLocalType : i == 0 ? firstLocalType : localTypes[i];
    }

    Class<?> valueType(int i) {
        return isLast(i) ? lastValueType : i == 0 ? firstValueType : valueTypes[i];
    }

    String property(int i) {
        return isLast(i) ? lastProperty : i == 0 ? firstProperty : properties[i];
    }

    boolean inheritable(int i) {
        return isLast(i) ? lastInheritable : i == 0 ? firstInheritable : inheritable[i];
    }

    /** Whether findings {@code i} and {@code j} fall in the same stats row. */
    boolean sameRow(int i, int j) {
        return localType(i) == localType(j) && valueType(i) == valueType(j) && property(i) == property(j)
                && (kind(i) == Leftover.Kind.REMOVED) == (kind(j) == Leftover.Kind.REMOVED);
    }

    /** Forgets everything found, dropping the classes. */
    void clear() {
        int n = size;
        if (n > 0) {
            if (n > 2) {
                Arrays.fill(localTypes, 1, n - 1, null);
                Arrays.fill(valueTypes, 1, n - 1, null);
                Arrays.fill(properties, 1, n - 1, null);
            }
            if (n > 1) {
                firstLocalType = null;
                firstValueType = null;
                firstProperty = null;
            }
            lastLocalType = null;
            lastValueType = null;
            lastProperty = null;
            size = 0;
            count = 0;
        }
        staleExpunged = 0;
    }
}
