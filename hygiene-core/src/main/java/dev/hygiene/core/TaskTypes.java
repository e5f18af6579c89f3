package dev.hygiene.core;

/** How a task's class is named in leftovers, reports and events. */
final class TaskTypes {

    /** Marks a task that is a lambda or another hidden class, named after the class that defined it. */
    static final String LAMBDA_SUFFIX = " (lambda)";

    private TaskTypes() {
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
