package dev.hygiene.core;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

/** Reads the current thread's raw maps, which the ThreadLocal API cannot show (stale entries). */
final class Maps {

    private Maps() {
    }

    /** The values of the stale entries (key collected) in the current thread's map. */
    static List<Object> staleValues(boolean inheritable) {
        List<Object> values = new ArrayList<>();
        for (Object e : table(inheritable)) {
            if (e != null && ((Reference<?>) e).refersTo(null)) {
                values.add(JdkAccess.value((Reference<?>) e));
            }
        }
        return values;
    }

    /** The number of non-null slots, stale or live, in the current thread's map. */
    static int entries(boolean inheritable) {
        int n = 0;
        for (Object e : table(inheritable)) {
            if (e != null) {
                n++;
            }
        }
        return n;
    }

    /** The class names of the ThreadLocals with a live entry in the current thread's map. */
    static List<String> localTypes(boolean inheritable) {
        List<String> types = new ArrayList<>();
        for (Object e : table(inheritable)) {
            Object key = e == null ? null : ((Reference<?>) e).get();
            if (key != null) {
                types.add(key.getClass().getName());
            }
        }
        return types;
    }

    /** Whether the current thread's map has an entry whose key is {@code key}. */
    static boolean holdsKey(ThreadLocal<?> key, boolean inheritable) {
        for (Object e : table(inheritable)) {
            if (e != null && ((Reference<?>) e).get() == key) {
                return true;
            }
        }
        return false;
    }

    /** Whether the current thread's map holds {@code value} in any entry, stale or live. */
    static boolean holdsValue(Object value) {
        for (boolean inheritable : new boolean[] {false, true}) {
            for (Object e : table(inheritable)) {
                if (e != null && JdkAccess.value((Reference<?>) e) == value) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Object[] table(boolean inheritable) {
        Object map = JdkAccess.map(Thread.currentThread(), inheritable);
        Object[] table = map == null ? null : JdkAccess.table(map);
        return table == null ? new Object[0] : table;
    }
}
