package dev.hygiene.executors;

import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a thread's raw {@code ThreadLocalMap}s by reflection, as the {@code ThreadLocal} API cannot:
 * it shows stale entries and tells "no entry" from "an entry holding null" without creating one.
 * Tests read the map of the current thread, or of a thread that has ended. Needs
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}, which the build gives every test JVM.
 */
final class RawMaps {

    private static final Object[] NO_ENTRIES = {};
    private static final Field THREAD_LOCALS;
    private static final Field INHERITABLE_LOCALS;
    private static final Field TABLE;
    private static final Field VALUE;
    private static final Field SIZE;
    private static final Field THRESHOLD;
    private static final Field HASH;

    static {
        try {
            THREAD_LOCALS = Thread.class.getDeclaredField("threadLocals");
            INHERITABLE_LOCALS = Thread.class.getDeclaredField("inheritableThreadLocals");
            Class<?> map = Class.forName("java.lang.ThreadLocal$ThreadLocalMap");
            TABLE = map.getDeclaredField("table");
            SIZE = map.getDeclaredField("size");
            THRESHOLD = map.getDeclaredField("threshold");
            VALUE = Class.forName("java.lang.ThreadLocal$ThreadLocalMap$Entry").getDeclaredField("value");
            HASH = ThreadLocal.class.getDeclaredField("threadLocalHashCode");
            for (Field field : new Field[] {THREAD_LOCALS, INHERITABLE_LOCALS, TABLE, VALUE, SIZE, THRESHOLD, HASH}) {
                field.setAccessible(true);
            }
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private RawMaps() {
    }

    /** The slots of one of {@code thread}'s maps (null slots included); empty when it has no map. */
    static Object[] table(Thread thread, boolean inheritable) {
        try {
            Object map = (inheritable ? INHERITABLE_LOCALS : THREAD_LOCALS).get(thread);
            Object[] table = map == null ? null : (Object[]) TABLE.get(map);
            return table == null ? NO_ENTRIES : table;
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Checks the invariants that the JDK's ThreadLocalMap relies on, in one of {@code thread}'s
     * maps: a power-of-two table, a threshold of two thirds of it, a {@code size} equal to the
     * number of entries, and no empty slot between a live entry and its home slot (lookups stop
     * at the first empty slot, so an entry past one is lost to {@code get}, and {@code set} makes a
     * second). Returns what is wrong, or null.
     */
    static String brokenInvariant(Thread thread, boolean inheritable) {
        try {
            Object map = (inheritable ? INHERITABLE_LOCALS : THREAD_LOCALS).get(thread);
            Object[] table = map == null ? null : (Object[]) TABLE.get(map);
            if (table == null) {
                return null;
            }
            int length = table.length;
            String which = inheritable ? "inheritable map: " : "map: ";
            if (length == 0 || (length & (length - 1)) != 0) {
                return which + "table length " + length + " is not a power of two";
            }
            if (THRESHOLD.getInt(map) != length * 2 / 3) {
                return which + "threshold " + THRESHOLD.getInt(map) + " for a table of " + length;
            }
            int entries = 0;
            for (int i = 0; i < length; i++) {
                Object e = table[i];
                if (e == null) {
                    continue;
                }
                entries++;
                Object key = key(e);
                if (key == null) {
                    continue;
                }
                for (int h = HASH.getInt(key) & (length - 1); h != i; h = (h + 1) & (length - 1)) {
                    if (table[h] == null) {
                        return which + "the entry of a " + key.getClass().getName() + " in slot " + i
                                + " is past an empty slot " + h + " from its home slot";
                    }
                }
            }
            if (SIZE.getInt(map) != entries) {
                return which + "size " + SIZE.getInt(map) + " but " + entries + " entries";
            }
            return null;
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    /** Drops one of the current thread's maps, as the JDK does to a fork-join worker's. */
    static void dropMap(boolean inheritable) {
        try {
            (inheritable ? INHERITABLE_LOCALS : THREAD_LOCALS).set(Thread.currentThread(), null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    /** The key of an entry, or null when the entry is stale (its ThreadLocal was collected or removed). */
    static Object key(Object entry) {
        return ((Reference<?>) entry).get();
    }

    static Object value(Object entry) {
        try {
            return VALUE.get(entry);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static boolean refersTo(Object entry, Object key) {
        return ((Reference<Object>) entry).refersTo(key);
    }

    /** The values of every entry, stale or live, in both maps of the current thread. */
    static List<Object> values() {
        List<Object> values = new ArrayList<>();
        for (boolean inheritable : new boolean[] {false, true}) {
            for (Object e : table(Thread.currentThread(), inheritable)) {
                if (e != null) {
                    values.add(value(e));
                }
            }
        }
        return values;
    }

    /** The values of the stale entries in both maps of the current thread. */
    static List<Object> staleValues() {
        List<Object> values = new ArrayList<>();
        for (boolean inheritable : new boolean[] {false, true}) {
            for (Object e : table(Thread.currentThread(), inheritable)) {
                if (e != null && ((Reference<?>) e).refersTo(null)) {
                    values.add(value(e));
                }
            }
        }
        return values;
    }

    /** Whether the current thread has an entry for {@code key}, without creating one. */
    static boolean holds(ThreadLocal<?> key) {
        return entryValue(key, NO_ENTRIES) != NO_ENTRIES;
    }

    /** The value of the current thread's entry for {@code key}, or {@code absent} when it has none. */
    static Object entryValue(ThreadLocal<?> key, Object absent) {
        for (boolean inheritable : new boolean[] {false, true}) {
            for (Object e : table(Thread.currentThread(), inheritable)) {
                if (e != null && refersTo(e, key)) {
                    return value(e);
                }
            }
        }
        return absent;
    }
}
