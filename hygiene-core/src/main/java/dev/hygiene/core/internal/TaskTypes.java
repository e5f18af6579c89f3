package dev.hygiene.core.internal;

import dev.hygiene.core.Leftover;
import dev.hygiene.core.TaskWrapper;
/**
 * Task attribution: which class a scope's leftovers are charged to, and how that class is named in
 * leftovers, reports and events. The one place where a task object becomes a task type.
 */
final class TaskTypes {

    /** Marks a task that is a lambda or another hidden class, named after the class that defined it. */
    static final String LAMBDA_SUFFIX = " (lambda)";

    /** How many {@link TaskWrapper}s deep {@link #of} looks for the submitted task. */
    static final int MAX_UNWRAP = 16;

    private TaskTypes() {
    }

    /**
     * The class of the task that {@code task} runs on behalf of: {@code task}'s own class, or, when
     * it is a {@link TaskWrapper}, that of the innermost task it wraps; null for null.
     */
    static Class<?> of(Object task) {
        if (task == null) {
            return null;
        }
        Class<?> type = task.getClass();
        boolean wrapper = HASHED_SUPERTYPES ? task instanceof TaskWrapper : WRAPPERS.get(type);
        return wrapper ? unwrap(task).getClass() : type;
    }

    /**
     * Whether this JVM checks a class against an interface in constant time: from JDK 23 on, HotSpot
     * finds a class's interfaces in a hashed table (JDK-8180450). Before, {@code task instanceof
     * TaskWrapper} fails through a linear scan of the class's secondary supertypes at every task:
     * about 11 ns per scope on JDK 17 on the benchmark machine (an OFF scope cost 16 ns with it and
     * 5 ns with {@link #WRAPPERS}), while on JDK 25 the check costs 1.7 ns and the lookup 6.
     */
    private static final boolean HASHED_SUPERTYPES = Runtime.version().feature() >= 23;

    /**
     * Whether a class is a {@link TaskWrapper}, memoised per class, for JVMs without
     * {@link #HASHED_SUPERTYPES}. The value is a {@code Boolean}, so no class's map pins the class
     * loader of hygiene-core.
     */
    private static final ClassValue<Boolean> WRAPPERS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return TaskWrapper.class.isAssignableFrom(type);
        }
    };

    private static Object unwrap(Object task) {
        for (int i = 0; i < MAX_UNWRAP && task instanceof TaskWrapper; i++) {
            Object inner = ((TaskWrapper) task).wrappedTask();
            if (inner == null || inner == task) {
                break;
            }
            task = inner;
        }
        return task;
    }

    /**
     * The name of a task's class: its binary name, or, for a lambda (a hidden class, whose name
     * ends in a per-run address such as {@code Handlers$$Lambda/0x0000...}), the name of the class
     * that defined it followed by {@value #LAMBDA_SUFFIX}, which stays the same from run to run and
     * names the code to look at. {@link Leftover#UNKNOWN_TASK} for null.
     */
    static String name(Class<?> task) {
        if (task == null) {
            return Leftover.UNKNOWN_TASK;
        }
        if (task.isHidden()) {
            return task.getNestHost().getName() + LAMBDA_SUFFIX;
        }
        return task.getName();
    }
}
