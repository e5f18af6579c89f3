package dev.hygiene.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hygiene.core.ThreadHygiene;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The sample test classes that the extension's tests run through {@link TestKit}, each marked
 * {@link Sample}, and the thread-locals they leave. Nested, so that surefire does not run them.
 */
final class Samples {

    static final ThreadLocal<User> USER = new ThreadLocal<>();
    static final InheritableThreadLocal<RequestId> REQUEST_ID = new InheritableThreadLocal<>();
    static final ThreadLocal<Object> SLOT = new ThreadLocal<>();
    static final ThreadLocal<Cached> CACHE = new ThreadLocal<>();

    /** What the samples saw, by a key each sample names; cleared before each run. */
    static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

    private Samples() {
    }

    record User(String name) {
    }

    record RequestId(long id) {
    }

    record Cached(int size) {
    }

    record ValueA() {
    }

    record ValueB() {
    }

    /** Removes every sample thread-local from the current thread. */
    static void removeAll() {
        USER.remove();
        REQUEST_ID.remove();
        SLOT.remove();
        CACHE.remove();
    }

    static void see(String key, Object value) {
        SEEN.put(key, value == null ? "null" : value);
    }

    @Sample
    static class LeavesUser {
        @Test
        void setsUserAndForgetsIt() {
            USER.set(new User("alice"));
        }
    }

    @Sample
    @ExtendWith(ThreadHygieneExtension.class)
    static class LeavesUserWithExtendWith {
        @Test
        void setsUserAndForgetsIt() {
            USER.set(new User("alice"));
        }
    }

    @Sample
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class LeakThenLook {
        @Test
        @Order(1)
        void setsUserAndForgetsIt() {
            USER.set(new User("alice"));
        }

        @Test
        @Order(2)
        void findsNoUser() {
            see("second", USER.get());
            assertEquals(null, USER.get(), "the user left by the first test");
        }
    }

    @Sample
    static class Clean {
        @Test
        void touchesNothing() {
        }

        @Test
        void removesInFinally() {
            USER.set(new User("bob"));
            try {
                assertEquals("bob", USER.get().name());
            } finally {
                USER.remove();
            }
        }

        @Test
        void readsAValueThatWasThereBefore() {
            see("read", USER.get());
        }
    }

    @Sample
    static class ReplacesUser {
        @Test
        void replacesTheUserThatWasThere() {
            USER.set(new User("mallory"));
        }
    }

    @Sample
    static class LeavesAndFails {
        @Test
        void setsUserThenFails() {
            USER.set(new User("alice"));
            fail("the test's own failure");
        }
    }

    @Sample
    static class SetUpAndTearDown {
        @BeforeEach
        void setUp() {
            USER.set(new User("fixture"));
        }

        @Test
        void usesTheFixture() {
            assertEquals("fixture", USER.get().name());
        }

        @AfterEach
        void tearDown() {
            USER.remove();
        }
    }

    @Sample
    static class SetUpOnly {
        @BeforeEach
        void setUp() {
            USER.set(new User("fixture"));
        }

        @Test
        void usesTheFixture() {
            assertEquals("fixture", USER.get().name());
        }
    }

    @Sample
    static class LeavesInheritable {
        @Test
        void setsRequestIdAndForgetsIt() {
            REQUEST_ID.set(new RequestId(42));
        }
    }

    @Sample
    static class LeavesInBeforeAll {
        @BeforeAll
        static void setUpClass() {
            CACHE.set(new Cached(1));
        }

        @Test
        void seesWhatBeforeAllSet() {
            assertEquals(1, CACHE.get().size());
        }
    }

    @Sample
    static class SetUpClassAndTearDownClass {
        @BeforeAll
        static void setUpClass() {
            CACHE.set(new Cached(2));
        }

        @Test
        void seesWhatBeforeAllSet() {
            assertEquals(2, CACHE.get().size());
        }

        @org.junit.jupiter.api.AfterAll
        static void tearDownClass() {
            CACHE.remove();
        }
    }

    @Sample
    static class LeavesInDynamicTest {
        @TestFactory
        Stream<DynamicTest> twoDynamicTests() {
            return Stream.of(
                    DynamicTest.dynamicTest("leaks", () -> USER.set(new User("dynamic"))),
                    DynamicTest.dynamicTest("clean", () -> see("dynamic clean", USER.get())));
        }
    }

    @Sample
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class RetainsByAnnotation {
        @Test
        @Order(1)
        @RetainThreadLocals(types = Cached.class)
        void keepsItsCache() {
            CACHE.set(new Cached(7));
        }

        @Test
        @Order(2)
        void findsTheRetainedCache() {
            see("retained", CACHE.get());
        }

        @Test
        @Order(3)
        void leavesAnotherTypeUnannotated() {
            SLOT.set(new ValueA());
        }
    }

    @Sample
    @RetainThreadLocals("dev.hygiene.junit.Samples$Cached")
    static class RetainsOnClass {
        @Test
        void keepsItsCache() {
            CACHE.set(new Cached(7));
        }
    }

    @Sample
    static class LeavesAJdkValue {
        @Test
        void keepsAJdkObjectInAPlainThreadLocal() {
            SLOT.set(java.nio.file.Path.of("/"));   // a sun.nio.fs.UnixPath on Linux
        }
    }

    @Sample
    static class RetainsNothing {
        @Test
        @RetainThreadLocals
        void namesNothingToRetain() {
        }
    }

    @Sample
    static class LeavesAScopeOpen {
        @Test
        void entersAScopeAndNeverClosesIt() {
            ThreadHygiene.enforcing().enter();
            USER.set(new User("inside"));
        }
    }

    @Sample
    static class LeavesOnPurpose {
        @Test
        @LeavesThreadLocals("proves that the user stays")
        void setsUserOnPurpose() {
            USER.set(new User("alice"));
        }
    }

    @Sample
    static class LeavesOnAPool {
        @Test
        void taskOfTheTestLeavesUser(@TestHygiene ThreadHygiene hygiene) throws Exception {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                pool.submit(hygiene.wrap(() -> USER.set(new User("pooled")))).get();
                see("next task", pool.submit(hygiene.wrap(USER::get)).get());
            } finally {
                pool.shutdown();
            }
        }
    }

    @Sample
    static class LeavesOnAPlainPool {
        @Test
        void taskLeavesUser() throws Exception {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                pool.submit(() -> USER.set(new User("pooled"))).get();
                see("next task", pool.submit(USER::get).get());
            } finally {
                pool.shutdown();
            }
        }
    }

    /**
     * Records, on the thread that ran it, what {@link #SLOT} and {@link #USER} hold right after a
     * test method returned ({@code "<test> after method"}, an interceptor: on the test method's own
     * thread) and after the test ({@code "<test> after test"}). Registered before the extension, it
     * sees the thread after the extension restored it.
     */
    static final class ThreadProbe implements InvocationInterceptor, AfterEachCallback {
        @Override
        public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                ExtensionContext context) throws Throwable {
            try {
                invocation.proceed();
            } finally {
                String name = context.getRequiredTestMethod().getName();
                see(name + " thread", Thread.currentThread().getName());
                see(name + " after method", USER.get() != null ? USER.get() : SLOT.get());
            }
        }

        @Override
        public void afterEach(ExtensionContext context) {
            see(context.getRequiredTestMethod().getName() + " after test", SLOT.get());
        }
    }

    @Sample
    @ExtendWith(ThreadProbe.class)
    @Execution(ExecutionMode.CONCURRENT)
    static class LeavesInParallel {
        static CountDownLatch bothRunning;

        @BeforeAll
        static void newLatch() {
            bothRunning = new CountDownLatch(2);
        }

        @Test
        void leavesA() throws InterruptedException {
            SLOT.set(new ValueA());
            meet();
        }

        @Test
        void leavesB() throws InterruptedException {
            SLOT.set(new ValueB());
            meet();
        }

        private static void meet() throws InterruptedException {
            bothRunning.countDown();
            assertTrue(bothRunning.await(30, TimeUnit.SECONDS), "the other test runs at the same time");
            see(Thread.currentThread().getName(), "ran");
        }
    }

    @Sample
    @ExtendWith({ThreadProbe.class, ThreadHygieneExtension.class})
    static class LeavesInParallelUnderHygiene extends LeavesInParallel {
    }

    @Sample
    @ExtendWith(ThreadProbe.class)
    static class LeavesOnTimeoutThread {
        @Test
        @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
        void leavesUserOnItsOwnThread() {
            USER.set(new User("timed"));
            see("test thread", Thread.currentThread().getName());
        }
    }

    @Sample
    @ExtendWith({ThreadProbe.class, ThreadHygieneExtension.class})
    static class LeavesOnTimeoutThreadUnderHygiene extends LeavesOnTimeoutThread {
    }
}
