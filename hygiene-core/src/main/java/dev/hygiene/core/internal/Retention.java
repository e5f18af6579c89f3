package dev.hygiene.core.internal;

import java.lang.ref.Reference;
import java.lang.ref.SoftReference;
import java.lang.ref.WeakReference;
import java.util.List;

/**
 * The retain rules of one policy, compiled for the restore path: identities, class-name prefixes,
 * and the JDK's own thread-locals. Class-name matches are cached per class in {@link ClassValue}s,
 * which hold only a Boolean per class, so no class loader is pinned by the cache.
 */
final class Retention {

    /** ThreadLocal classes that hold the JDK's own per-thread runtime state. */
    private static final String[] JDK_LOCAL_PREFIXES = {"jdk.internal.", "sun."};

    private final WeakReference<Object>[] locals;
    private final String[] prefixes;
    private final ClassValue<Boolean> localTypeRetained;
    private final ClassValue<Boolean> valueTypeRetained;
    /** The answers for the two classes most entries have, decided once: no ClassValue lookup. */
    private final boolean plainRetained;
    private final boolean plainInheritableRetained;

    @SuppressWarnings("unchecked")
    Retention(List<WeakReference<ThreadLocal<?>>> locals, String[] prefixes) {
        this.locals = (WeakReference<Object>[]) locals.toArray(new WeakReference<?>[0]);
        this.prefixes = prefixes;
        this.localTypeRetained = new ClassValue<>() {
            @Override
            protected Boolean computeValue(Class<?> type) {
                String name = type.getName();
                return Worker.isStateType(type) || startsWithAny(name, JDK_LOCAL_PREFIXES)
                        || startsWithAny(name, Retention.this.prefixes);
            }
        };
        this.valueTypeRetained = new ClassValue<>() {
            @Override
            protected Boolean computeValue(Class<?> type) {
                return startsWithAny(type.getName(), Retention.this.prefixes);
            }
        };
        this.plainRetained = localTypeRetained.get(ThreadLocal.class);
        this.plainInheritableRetained = localTypeRetained.get(InheritableThreadLocal.class);
    }

    private static boolean startsWithAny(String name, String[] prefixes) {
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the entry of {@code key} holding {@code value} is left as the task left it: hygiene's
     * own entry (of this copy, by identity, or of another copy, by its class), a retained
     * {@code ThreadLocal} or type, or the JDK's own.
     */
    boolean retains(ThreadLocal<?> key, Object value) {
        return retainsByIdentity(key) || retainsType(key.getClass(), value);
    }

    /** Whether {@code key} is hygiene's own or retained by identity, whatever its value. */
    boolean retainsByIdentity(ThreadLocal<?> key) {
        if (key == Worker.STATE) {
            return true;
        }
        for (WeakReference<Object> local : locals) {
            if (local.refersTo(key)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an entry of a {@code ThreadLocal} of class {@code type} holding {@code value} is retained by a type rule. */
    boolean retainsType(Class<?> type, Object value) {
        if (type == ThreadLocal.class ? plainRetained
                : type == InheritableThreadLocal.class ? plainInheritableRetained
                : localTypeRetained.get(type)) {
            return true;
        }
        if (prefixes.length == 0 || value == null) {
            return false;
        }
        Class<?> valueType = value.getClass();
        if (valueTypeRetained.get(valueType)) {
            return true;
        }
        // Only the JDK's own reference classes: a subclass could override get() with user code.
        if (valueType == SoftReference.class || valueType == WeakReference.class) {
            Object referent = ((Reference<?>) value).get();
            return referent != null && valueTypeRetained.get(referent.getClass());
        }
        return false;
    }
}
