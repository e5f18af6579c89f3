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
        if (task instanceof TaskWrapper) {
            task = unwrap(task);
        }
        return task == null ? null : task.getClass();
    }

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
