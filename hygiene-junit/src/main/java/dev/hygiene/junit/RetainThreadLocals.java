package dev.hygiene.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Retains the named thread-locals for a test class or method: {@link ThreadHygieneExtension} leaves
 * their entries exactly as the test left them and does not report them. For per-thread caches that
 * are meant to outlive a test, as a pool's worker keeps them across tasks.
 *
 * <p>Each name is a class-name prefix, matched as {@code HygienePolicy.Builder.retainTypes} matches
 * it: against the {@code ThreadLocal}'s class, the value's class and, for a {@code SoftReference} or
 * {@code WeakReference} value, its referent's class. The rules of a method, its class, the classes
 * that enclose a {@code @Nested} class and the configuration parameter
 * {@value ThreadHygieneExtension#RETAIN_PARAMETER} add up:
 *
 * <pre>{@code
 * @RetainThreadLocals(types = ObjectMapper.class, value = "org.mockito.")
 * class JsonTest {
 *     @Test
 *     @RetainThreadLocals("com.acme.cache.")
 *     void readsThroughTheCache() { ... }
 * }
 * }</pre>
 *
 * <p>An annotation that names nothing, or a name that cannot start a class name, is an
 * {@code ExtensionConfigurationException} that fails the annotated test or class.
 *
 * @see LeavesThreadLocals
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RetainThreadLocals {

    /**
     * Class-name prefixes to retain, such as {@code "com.fasterxml.jackson."}.
     *
     * @return the prefixes; empty when {@link #types()} names the types
     */
    String[] value() default {};

    /**
     * Types to retain, by name: a type's name is used as a prefix, so it also covers its nested
     * classes (and any class whose name starts with it).
     *
     * @return the types; empty when {@link #value()} names the prefixes
     */
    Class<?>[] types() default {};
}
