package dev.hygiene.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class or method that leaves thread-locals behind on purpose, such as a test that
 * proves a leak exists: {@link ThreadHygieneExtension} reports its leftovers as a warning instead of
 * failing it, as the configuration parameter {@code hygiene.junit.mode=warn} does for a whole build.
 * The thread is still restored afterwards, so the tests after it start clean.
 *
 * <pre>{@code
 * @Test
 * @LeavesThreadLocals("the control: without hygiene the value reaches the next task")
 * void valueSurvivesOnAPlainThread() { ... }
 * }</pre>
 *
 * <p>To keep an entry instead (a per-thread cache), use {@link RetainThreadLocals}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface LeavesThreadLocals {

    /**
     * Why the test leaves thread-locals behind; shown with the warning.
     *
     * @return the reason, not blank
     */
    String value();
}
