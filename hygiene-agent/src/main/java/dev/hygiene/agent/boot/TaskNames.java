package dev.hygiene.agent.boot;

import dev.hygiene.core.internal.Engine;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.concurrent.FutureTask;

/**
 * The type to charge a task's leftovers to: what was submitted, not the JDK's carrier around it. A
 * {@code FutureTask} (what {@code submit} and the scheduled pools queue) is named after its callable,
 * and a callable that adapts a runnable after that runnable; a fork-join adapter
 * ({@code ForkJoinTask.adapt}, {@code ForkJoinPool.execute(Runnable)}, {@code CompletableFuture.*Async})
 * after the function it runs; any other task after itself, or the task it wraps
 * ({@link dev.hygiene.core.TaskWrapper}).
 */
final class TaskNames {

    /** The JDK's adapters: a field that holds what was submitted, per class; null for other classes. */
    private static final ClassValue<MethodHandle> SUBMITTED = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            return submittedField(type);
        }
    };

    private TaskNames() {
    }

    static Class<?> typeOf(Object task) {
        Object submitted = task;
        // At most two levels: FutureTask -> RunnableAdapter -> the runnable.
        for (int i = 0; i < 2 && submitted != null && submitted.getClass().getClassLoader() == null; i++) {
            MethodHandle field = SUBMITTED.get(submitted.getClass());
            if (field == null) {
                break;
            }
            Object inner;
            try {
                inner = (Object) field.invokeExact(submitted);
            } catch (Throwable e) {
                break;
            }
            if (inner == null) {
                break;
            }
            submitted = inner;
        }
        return Engine.taskType(submitted);
    }

    /** The field of a {@code java.util.concurrent} adapter class that holds the submitted task. */
    private static MethodHandle submittedField(Class<?> type) {
        if (!type.getName().startsWith("java.util.concurrent.")) {
            return null;
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (String name : new String[] {"callable", "runnable", "task", "fn"}) {
                Field field;
                try {
                    field = c.getDeclaredField(name);
                } catch (NoSuchFieldException e) {
                    continue;
                }
                if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                    continue;
                }
                try {
                    return MethodHandles.privateLookupIn(c, MethodHandles.lookup()).unreflectGetter(field)
                            .asType(MethodType.methodType(Object.class, Object.class));
                } catch (IllegalAccessException e) {
                    return null;
                }
            }
            if (c == FutureTask.class) {
                break;
            }
        }
        return null;
    }
}
