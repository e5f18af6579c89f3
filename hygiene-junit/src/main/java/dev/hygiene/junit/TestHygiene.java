package dev.hygiene.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link dev.hygiene.core.ThreadHygiene} parameter that {@link ThreadHygieneExtension}
 * resolves with a hygiene of the test's own: every task run under it, on whatever thread, reports
 * what it left to the test, which then fails (or warns) as if the test thread had left it. The
 * hygiene enforces, with the test's retain rules, so the pool's threads are restored after each task
 * too.
 *
 * <pre>{@code
 * @Test
 * void handlerCleansUp(@TestHygiene ThreadHygiene hygiene) throws Exception {
 *     ExecutorService pool = HygienicExecutors.wrap(Executors.newFixedThreadPool(2), hygiene);
 *     pool.submit(handler).get();   // a leftover of the handler fails this test
 *     pool.shutdown();
 * }
 * }</pre>
 *
 * <p>What is reported on the test is exact: the leftovers of the tasks whose scopes closed before
 * the test's {@code @AfterEach} methods ended. A task wrapped by the hygiene ({@code hygiene.wrap},
 * {@code HygienicExecutors.wrap(pool, hygiene)}) reports before its future completes, so waiting
 * for the future is enough. A hygienic pool ({@code HygienicExecutors.newFixedThreadPool(n,
 * hygiene)}, {@code HygienicThreadPoolExecutor}) settles a task in {@code afterExecute}, after its
 * future completed: shut such a pool down and await its termination in the test. A task that ends
 * after its test is reported on the test's class, when the class is still running, and otherwise
 * logged at {@code WARNING} on logger {@code dev.hygiene.junit}.
 *
 * <p>On a parameter of a {@code @BeforeAll} or {@code @AfterAll} method (or a constructor resolved
 * in the class's context) the hygiene is the class's, and its tasks are reported on the class.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface TestHygiene {
}
