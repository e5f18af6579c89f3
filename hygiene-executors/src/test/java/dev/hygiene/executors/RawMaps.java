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

    static {
        try {
            THREAD_LOCALS = Thread.class.getDeclaredField("threadLocals");
            INHERITABLE_LOCALS = Thread.class.getDeclaredField("inheritableThreadLocals");
            TABLE = Class.forName("java.lang.ThreadLocal$ThreadLocalMap").getDeclaredField("table");
            VALUE = Class.forName("java.lang.ThreadLocal$ThreadLocalMap$Entry").getDeclaredField("value");
            for (Field field : new Field[] {THREAD_LOCALS, INHERITABLE_LOCALS, TABLE, VALUE}) {
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
