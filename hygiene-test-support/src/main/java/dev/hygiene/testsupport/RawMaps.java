package dev.hygiene.testsupport;

import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a thread's raw {@code ThreadLocalMap}s by reflection, as the {@code ThreadLocal} API cannot:
 * it shows stale entries (key collected, value still held) and tells "no entry" from "an entry
 * holding null" without creating one. It never calls a {@code ThreadLocal} method, so no initial
 * value is created and no subclass code runs.
 *
 * <p>Tests read the maps of the current thread, or of a thread that has ended; a thread that is
 * still running may change its map while it is read. The fields are read with this class's own
 * reflection, not through hygiene-core's access to them, so tests do not check the engine against
 * itself. Needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}, which the parent pom gives
 * every test JVM; without it this class fails to initialize.
 */
public final class RawMaps {

    private static final Object[] NO_ENTRIES = {};
    private static final boolean[] BOTH_MAPS = {false, true};
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

    /**
     * The slots of one of a thread's maps, null slots included.
     *
     * @param thread the thread whose map to read
     * @param inheritable true for {@code inheritableThreadLocals}, false for {@code threadLocals}
     * @return the map's table itself (not a copy), or an empty array when the thread has no such map
     */
    public static Object[] table(Thread thread, boolean inheritable) {
        try {
            Object map = (inheritable ? INHERITABLE_LOCALS : THREAD_LOCALS).get(thread);
            Object[] table = map == null ? null : (Object[]) TABLE.get(map);
            return table == null ? NO_ENTRIES : table;
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Checks the invariants that the JDK's ThreadLocalMap relies on, in one of a thread's maps: a
     * power-of-two table, a threshold of two thirds of it, a {@code size} equal to the number of
     * entries, and no empty slot between a live entry and its home slot (lookups stop at the first
     * empty slot, so an entry past one is lost to {@code get}, and {@code set} makes a second).
     *
     * @param thread the thread whose map to check
     * @param inheritable true for {@code inheritableThreadLocals}, false for {@code threadLocals}
     * @return what is wrong, or null when the map is sound or absent
     */
    public static String brokenInvariant(Thread thread, boolean inheritable) {
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

    /**
     * Drops one of the current thread's maps, as the JDK does to a fork-join worker's.
     *
     * @param inheritable true for {@code inheritableThreadLocals}, false for {@code threadLocals}
     */
    public static void dropMap(boolean inheritable) {
        try {
            (inheritable ? INHERITABLE_LOCALS : THREAD_LOCALS).set(Thread.currentThread(), null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The key of an entry; the caller then holds it strongly.
     *
     * @param entry a non-null slot of a {@link #table(Thread, boolean) table}
     * @return its {@code ThreadLocal}, or null when the entry is stale (its ThreadLocal was collected)
     */
    public static Object key(Object entry) {
        return ((Reference<?>) entry).get();
    }

    /**
     * The value of an entry, stale or live.
     *
     * @param entry a non-null slot of a {@link #table(Thread, boolean) table}
     * @return the value it holds, possibly null
     */
    public static Object value(Object entry) {
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

    private static boolean isStale(Object entry) {
        return ((Reference<?>) entry).refersTo(null);
    }

    /**
     * The values of every entry, stale or live, in both maps of the current thread.
     *
     * @return the values, in table order, the plain map's first
     */
    public static List<Object> values() {
        List<Object> values = new ArrayList<>();
        for (boolean inheritable : BOTH_MAPS) {
            for (Object e : table(Thread.currentThread(), inheritable)) {
                if (e != null) {
                    values.add(value(e));
                }
            }
        }
        return values;
    }

    /**
     * The values of the stale entries (key collected) in one of the current thread's maps.
     *
     * @param inheritable true for {@code inheritableThreadLocals}, false for {@code threadLocals}
     * @return the values, in table order
     */
    public static List<Object> staleValues(boolean inheritable) {
        List<Object> values = new ArrayList<>();
        for (Object e : table(Thread.currentThread(), inheritable)) {
            if (e != null && isStale(e)) {
                values.add(value(e));
            }
        }
        return values;
    }

    /**
     * The number of entries, stale or live, in one of the current thread's maps.
     *
     * @param inheritable true for {@code inheritableThreadLocals}, false for {@code threadLocals}
     * @return the number of non-null slots
     */
    public static int entries(boolean inheritable) {
        int n = 0;
        for (Object e : table(Thread.currentThread(), inheritable)) {
            if (e != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * The class names of the ThreadLocals with a live entry in one of the current thread's maps.
     *
     * @param inheritable true for {@code inheritableThreadLocals}, false for {@code threadLocals}
     * @return the names, in table order, one per entry
     */
    public static List<String> localTypes(boolean inheritable) {
        List<String> types = new ArrayList<>();
        for (Object e : table(Thread.currentThread(), inheritable)) {
            Object key = e == null ? null : key(e);
            if (key != null) {
                types.add(key.getClass().getName());
            }
        }
        return types;
    }

    /**
     * Whether the current thread has an entry for {@code key} in either map, without creating one.
     *
     * @param key the ThreadLocal to look for
     * @return true when an entry's key is {@code key}, whatever its value
     */
    public static boolean holds(ThreadLocal<?> key) {
        return entryValue(key, NO_ENTRIES) != NO_ENTRIES;
    }

    /**
     * Whether one of the current thread's maps has an entry for {@code key}, without creating one.
     *
     * @param key the ThreadLocal to look for
     * @param inheritable true for {@code inheritableThreadLocals}, false for {@code threadLocals}
     * @return true when an entry of that map has {@code key} as its key, whatever its value
     */
    public static boolean holds(ThreadLocal<?> key, boolean inheritable) {
        for (Object e : table(Thread.currentThread(), inheritable)) {
            if (e != null && refersTo(e, key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The value of the current thread's entry for {@code key}, looked up in the plain map, then in
     * the inheritable one, without creating an entry.
     *
     * @param key the ThreadLocal to look for
     * @param absent what to return when neither map has an entry for {@code key}
     * @return the entry's value, possibly null, or {@code absent}
     */
    public static Object entryValue(ThreadLocal<?> key, Object absent) {
        for (boolean inheritable : BOTH_MAPS) {
            for (Object e : table(Thread.currentThread(), inheritable)) {
                if (e != null && refersTo(e, key)) {
                    return value(e);
                }
            }
        }
        return absent;
    }

    /**
     * The slot of the current thread's plain map that holds the entry for {@code key}.
     *
     * @param key the ThreadLocal to look for
     * @return the index of its entry in the map's table, or -1 when the map has none for it
     */
    public static int slot(ThreadLocal<?> key) {
        Object[] table = table(Thread.currentThread(), false);
        for (int i = 0; i < table.length; i++) {
            if (table[i] != null && refersTo(table[i], key)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The home slot of {@code key} in the current thread's plain map as it is now: where the JDK
     * puts its entry unless that slot is taken, in which case the entry goes to the next free one.
     *
     * @param key a ThreadLocal
     * @return its hash masked by the table's length, or -1 when the thread has no map
     */
    public static int homeSlot(ThreadLocal<?> key) {
        int length = table(Thread.currentThread(), false).length;
        try {
            return length == 0 ? -1 : HASH.getInt(key) & (length - 1);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }
}
