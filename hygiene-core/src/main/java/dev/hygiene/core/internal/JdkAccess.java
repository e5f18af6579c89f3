package dev.hygiene.core.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.Reference;
import java.lang.reflect.Array;
import java.lang.reflect.InaccessibleObjectException;

/**
 * Access to the JDK's private per-thread state: {@code Thread.threadLocals},
 * {@code Thread.inheritableThreadLocals}, {@code ThreadLocal$ThreadLocalMap} and its {@code Entry},
 * the context class loader and uncaught-exception handler fields.
 *
 * <p>Every handle is looked up once, here, converted with {@code asType} to erased types that this
 * package can name ({@code Object} for a map, {@code Object[]} for a table, {@link Reference} for an
 * entry) and stored in a {@code static final} field, so that {@code invokeExact} call sites are
 * constant and the JIT inlines them to plain field accesses. When any lookup fails, typically because
 * {@code java.lang} is not open to this module, {@link #SUPPORTED} is false and {@link #unsupportedReason()}
 * says why and how to fix it; no handle is then ever invoked.
 *
 * <p>Nothing here calls a method of {@code ThreadLocal}: entries are read and written as fields,
 * and new entries are built with the {@code Entry} constructor, so no user code runs.
 */
final class JdkAccess {

    /** True when every handle below was found. */
    static final boolean SUPPORTED;

    private static final String UNSUPPORTED_REASON;

    private static final MethodHandle THREAD_LOCALS;            // (Thread)Object
    private static final MethodHandle SET_THREAD_LOCALS;        // (Thread,Object)void
    private static final MethodHandle INHERITABLE_LOCALS;       // (Thread)Object
    private static final MethodHandle SET_INHERITABLE_LOCALS;   // (Thread,Object)void
    private static final MethodHandle CONTEXT_LOADER;           // (Thread)ClassLoader
    private static final MethodHandle SET_CONTEXT_LOADER;       // (Thread,ClassLoader)void
    private static final MethodHandle UNCAUGHT_HANDLER;         // (Thread)UncaughtExceptionHandler
    private static final MethodHandle SET_UNCAUGHT_HANDLER;     // (Thread,UncaughtExceptionHandler)void
    private static final MethodHandle MAP_TABLE;                // (Object)Object[]
    private static final MethodHandle SET_MAP_TABLE;            // (Object,Object[])void
    private static final MethodHandle MAP_SIZE;                 // (Object)int
    private static final MethodHandle SET_MAP_SIZE;             // (Object,int)void
    private static final MethodHandle SET_MAP_THRESHOLD;        // (Object,int)void
    private static final MethodHandle ENTRY_VALUE;              // (Reference)Object
    private static final MethodHandle SET_ENTRY_VALUE;          // (Reference,Object)void
    private static final MethodHandle NEW_ENTRY;                // (ThreadLocal,Object)Reference
    private static final MethodHandle LOCAL_HASH;               // (ThreadLocal)int
    private static final Class<?> ENTRY_CLASS;

    static {
        String reason = null;
        MethodHandle threadLocals = null, setThreadLocals = null, inheritable = null, setInheritable = null;
        MethodHandle loader = null, setLoader = null, handler = null, setHandler = null;
        MethodHandle table = null, setTable = null, size = null, setSize = null, setThreshold = null;
        MethodHandle value = null, setValue = null, newEntry = null, hash = null;
        Class<?> entryClass = null;
        try {
            Class<?> mapClass = Class.forName("java.lang.ThreadLocal$ThreadLocalMap");
            entryClass = Class.forName("java.lang.ThreadLocal$ThreadLocalMap$Entry");
            Class<?> tableClass = entryClass.arrayType();
            MethodHandles.Lookup own = MethodHandles.lookup();
            MethodHandles.Lookup thread = MethodHandles.privateLookupIn(Thread.class, own);
            MethodHandles.Lookup local = MethodHandles.privateLookupIn(ThreadLocal.class, own);
            MethodHandles.Lookup map = MethodHandles.privateLookupIn(mapClass, own);
            MethodHandles.Lookup entry = MethodHandles.privateLookupIn(entryClass, own);

            MethodType getMap = MethodType.methodType(Object.class, Thread.class);
            MethodType putMap = MethodType.methodType(void.class, Thread.class, Object.class);
            threadLocals = thread.findGetter(Thread.class, "threadLocals", mapClass).asType(getMap);
            setThreadLocals = thread.findSetter(Thread.class, "threadLocals", mapClass).asType(putMap);
            inheritable = thread.findGetter(Thread.class, "inheritableThreadLocals", mapClass).asType(getMap);
            setInheritable = thread.findSetter(Thread.class, "inheritableThreadLocals", mapClass).asType(putMap);
            loader = thread.findGetter(Thread.class, "contextClassLoader", ClassLoader.class);
            setLoader = thread.findSetter(Thread.class, "contextClassLoader", ClassLoader.class);
            handler = thread.findGetter(Thread.class, "uncaughtExceptionHandler",
                    Thread.UncaughtExceptionHandler.class);
            setHandler = thread.findSetter(Thread.class, "uncaughtExceptionHandler",
                    Thread.UncaughtExceptionHandler.class);

            table = map.findGetter(mapClass, "table", tableClass)
                    .asType(MethodType.methodType(Object[].class, Object.class));
            setTable = map.findSetter(mapClass, "table", tableClass)
                    .asType(MethodType.methodType(void.class, Object.class, Object[].class));
            size = map.findGetter(mapClass, "size", int.class)
                    .asType(MethodType.methodType(int.class, Object.class));
            setSize = map.findSetter(mapClass, "size", int.class)
                    .asType(MethodType.methodType(void.class, Object.class, int.class));
            setThreshold = map.findSetter(mapClass, "threshold", int.class)
                    .asType(MethodType.methodType(void.class, Object.class, int.class));

            value = entry.findGetter(entryClass, "value", Object.class)
                    .asType(MethodType.methodType(Object.class, Reference.class));
            setValue = entry.findSetter(entryClass, "value", Object.class)
                    .asType(MethodType.methodType(void.class, Reference.class, Object.class));
            newEntry = entry.findConstructor(entryClass,
                            MethodType.methodType(void.class, ThreadLocal.class, Object.class))
                    .asType(MethodType.methodType(Reference.class, ThreadLocal.class, Object.class));
            hash = local.findGetter(ThreadLocal.class, "threadLocalHashCode", int.class);
        } catch (IllegalAccessException | InaccessibleObjectException e) {
            reason = "java.lang is not open to " + describe(JdkAccess.class.getModule()) + ": add "
                    + "--add-opens java.base/java.lang=ALL-UNNAMED to the java command (on the module path: "
                    + "--add-opens java.base/java.lang=dev.hygiene.core), or start with "
                    + "-javaagent:hygiene-core.jar, or put Add-Opens: java.base/java.lang (or Launcher-Agent-Class: "
                    + "dev.hygiene.core.HygieneAgent) in the manifest of the application's executable jar ("
                    + e.getMessage() + ")";
        } catch (ReflectiveOperationException | RuntimeException e) {
            reason = "this JDK's ThreadLocal internals are not the ones hygiene knows (java.version "
                    + System.getProperty("java.version") + "): " + e;
        }
        UNSUPPORTED_REASON = reason;
        SUPPORTED = reason == null;
        THREAD_LOCALS = threadLocals;
        SET_THREAD_LOCALS = setThreadLocals;
        INHERITABLE_LOCALS = inheritable;
        SET_INHERITABLE_LOCALS = setInheritable;
        CONTEXT_LOADER = loader;
        SET_CONTEXT_LOADER = setLoader;
        UNCAUGHT_HANDLER = handler;
        SET_UNCAUGHT_HANDLER = setHandler;
        MAP_TABLE = table;
        SET_MAP_TABLE = setTable;
        MAP_SIZE = size;
        SET_MAP_SIZE = setSize;
        SET_MAP_THRESHOLD = setThreshold;
        ENTRY_VALUE = value;
        SET_ENTRY_VALUE = setValue;
        NEW_ENTRY = newEntry;
        LOCAL_HASH = hash;
        ENTRY_CLASS = entryClass;
    }

    private JdkAccess() {
    }

    private static String describe(Module module) {
        return module.isNamed() ? "module " + module.getName() : "the unnamed module of " + module.getClassLoader();
    }

    /** Why hygiene cannot reach the maps, with the fix; null when {@link #SUPPORTED}. */
    static String unsupportedReason() {
        return UNSUPPORTED_REASON;
    }

    static Object map(Thread thread, boolean inheritable) {
        try {
            return inheritable ? (Object) INHERITABLE_LOCALS.invokeExact(thread)
                    : (Object) THREAD_LOCALS.invokeExact(thread);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static void setMap(Thread thread, boolean inheritable, Object map) {
        try {
            if (inheritable) {
                SET_INHERITABLE_LOCALS.invokeExact(thread, map);
            } else {
                SET_THREAD_LOCALS.invokeExact(thread, map);
            }
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** The map's table, or null for a map that has none (a JDK-internal placeholder map). */
    static Object[] table(Object map) {
        try {
            return (Object[]) MAP_TABLE.invokeExact(map);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** Installs a new table, with the JDK's 2/3 load-factor threshold. */
    static void setTable(Object map, Object[] table) {
        try {
            SET_MAP_TABLE.invokeExact(map, table);
            SET_MAP_THRESHOLD.invokeExact(map, table.length * 2 / 3);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** The number of non-null slots, stale entries included: the JDK keeps it exact. */
    static int size(Object map) {
        try {
            return (int) MAP_SIZE.invokeExact(map);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static void setSize(Object map, int size) {
        try {
            SET_MAP_SIZE.invokeExact(map, size);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static Object[] newTable(int length) {
        return (Object[]) Array.newInstance(ENTRY_CLASS, length);
    }

    static Object value(Reference<?> entry) {
        try {
            return (Object) ENTRY_VALUE.invokeExact(entry);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static void setValue(Reference<?> entry, Object value) {
        try {
            SET_ENTRY_VALUE.invokeExact(entry, value);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static Reference<?> newEntry(ThreadLocal<?> key, Object value) {
        try {
            return (Reference<?>) NEW_ENTRY.invokeExact(key, value);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static int hash(ThreadLocal<?> key) {
        try {
            return (int) LOCAL_HASH.invokeExact(key);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static ClassLoader contextLoader(Thread thread) {
        try {
            return (ClassLoader) CONTEXT_LOADER.invokeExact(thread);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static void setContextLoader(Thread thread, ClassLoader loader) {
        try {
            SET_CONTEXT_LOADER.invokeExact(thread, loader);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static Thread.UncaughtExceptionHandler uncaughtHandler(Thread thread) {
        try {
            return (Thread.UncaughtExceptionHandler) UNCAUGHT_HANDLER.invokeExact(thread);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    static void setUncaughtHandler(Thread thread, Thread.UncaughtExceptionHandler handler) {
        try {
            SET_UNCAUGHT_HANDLER.invokeExact(thread, handler);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    private static Error unexpected(Throwable e) {
        if (e instanceof Error) {
            return (Error) e;
        }
        if (e instanceof RuntimeException) {
            throw (RuntimeException) e;
        }
        return new AssertionError("field access cannot throw a checked exception", e);
    }
}
