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
 * that one's finding instead of being written again: each reference written here costs a GC write
 * barrier (with G1, a fence), and a task that leaves several entries mostly leaves them alike
 * (four {@code ThreadLocal<String>}s added are one finding). A finding stands for
 * {@link #repeats(int)} equal leftovers, {@link #count()} in all, and {@link Report} expands it, so
 * that what the readers of a close see is the same as with one finding per leftover.
 *
 * <p>Each {@link Frame} keeps one, reused from close to close, so that a task with leftovers
 * allocates nothing here in steady state. The arrays hold classes (never keys, values or tasks) and
 * only between the settle and the report of one close: {@link #clear()} drops them, so no class
 * loader is pinned between tasks.
 */
final class Findings {

    private static final int INITIAL = 8;

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
        int last = size - 1;
        if (last >= 0 && kinds[last] == kind && localTypes[last] == localType && valueTypes[last] == valueType
                && this.inheritable[last] == inheritable) {
            repeats[last]++;
            count++;
            return;
        }
        int i = next();
        if (kinds[i] != kind) {   // kinds pin nothing and are never cleared: most closes write none
            kinds[i] = kind;
        }
        localTypes[i] = localType;
        valueTypes[i] = valueType;
        this.inheritable[i] = inheritable;
    }

    /** A changed thread property, now holding {@code value}. */
    void threadState(String property, Object value) {
        int i = next();
        if (kinds[i] != Leftover.Kind.THREAD_STATE) {
            kinds[i] = Leftover.Kind.THREAD_STATE;
        }
        properties[i] = property;
        valueTypes[i] = value == null ? null : value.getClass();
    }

    /** Stale entries that the settle removed from a map. */
    void expunged(int stale) {
        staleExpunged += stale;
    }

    private int next() {
        int i = size;
        if (i == kinds.length) {
            int length = i * 2;
            kinds = Arrays.copyOf(kinds, length);
            localTypes = Arrays.copyOf(localTypes, length);
            valueTypes = Arrays.copyOf(valueTypes, length);
            properties = Arrays.copyOf(properties, length);
            inheritable = Arrays.copyOf(inheritable, length);
            repeats = Arrays.copyOf(repeats, length);
        }
        repeats[i] = 1;
        size = i + 1;
        count++;
        return i;
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
        return repeats[i];
    }

    int staleExpunged() {
        return staleExpunged;
    }

    Leftover.Kind kind(int i) {
        return kinds[i];
    }

    Class<?> localType(int i) {
        return localTypes[i];
    }

    Class<?> valueType(int i) {
        return valueTypes[i];
    }

    String property(int i) {
        return properties[i];
    }

    boolean inheritable(int i) {
        return inheritable[i];
    }

    /** Whether findings {@code i} and {@code j} fall in the same stats row. */
    boolean sameRow(int i, int j) {
        return localTypes[i] == localTypes[j] && valueTypes[i] == valueTypes[j] && properties[i] == properties[j]
                && (kinds[i] == Leftover.Kind.REMOVED) == (kinds[j] == Leftover.Kind.REMOVED);
    }

    /** Forgets everything found, dropping the classes. */
    void clear() {
        int n = size;
        if (n > 0) {
            Arrays.fill(localTypes, 0, n, null);
            Arrays.fill(valueTypes, 0, n, null);
            Arrays.fill(properties, 0, n, null);
            size = 0;
            count = 0;
        }
        staleExpunged = 0;
    }
}
