package dev.hygiene.junit;

import dev.hygiene.core.Leftover;
import dev.hygiene.core.TaskScope;
import dev.hygiene.core.ThreadHygiene;
import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Fails the test that leaves a thread-local behind, where it happens, instead of in whichever test
 * or request later runs on the same thread. Each test's {@code @BeforeEach} methods, test method and
 * {@code @AfterEach} methods run in one hygiene scope on the thread that runs them; when they are
 * done, a test that left an entry added or changed in either thread-local map of that thread fails
 * with an {@link AssertionError} that names the {@code ThreadLocal}'s class, the value's class,
 * the thread and the methods that ran there, and the two fixes. Then the thread is restored, as
 * {@link dev.hygiene.core.Mode#ENFORCE} restores a pool's worker, so the next test starts clean
 * whatever happened.
 *
 * <p>Registration, for one class or method:
 * <pre>{@code
 * @ExtendWith(ThreadHygieneExtension.class)
 * class UserContextTest { ... }
 * }</pre>
 * or for every test of a build, through JUnit's extension autodetection (this jar carries the
 * service entry), with one line in {@code src/test/resources/junit-platform.properties}:
 * <pre>
 * junit.jupiter.extensions.autodetection.enabled=true
 * </pre>
 * The test JVM must open {@code java.lang} to hygiene ({@code --add-opens
 * java.base/java.lang=ALL-UNNAMED} in surefire's {@code argLine}); without it every test fails with
 * an {@code ExtensionConfigurationException} that says so.
 *
 * <p>What is guaranteed:
 * <ul>
 * <li>A test that failed on its own keeps its own failure as the primary one; the leftovers are
 *     added to it as a suppressed {@code AssertionError}.
 * <li>Leftovers of {@code @BeforeAll} and {@code @AfterAll} methods fail the class: an entry of a
 *     type they left that is still there when the class ends (so a fixture set in {@code @BeforeAll}
 *     and removed in {@code @AfterAll} passes). The class's scope spans its tests' start and end
 *     notifications too, where test execution listeners (surefire's, an IDE's) keep per-test state
 *     in thread-locals of the test thread; what else changed there is restored without a report.
 * <li>A test method or lifecycle method that runs on a thread of its own ({@code @Timeout} with
 *     {@code threadMode = SEPARATE_THREAD}) gets a scope of its own on that thread; so does each test
 *     under parallel execution, on the thread that runs it. Each thread's leftovers are reported on
 *     the test that left them, and only there.
 * <li>Each dynamic test of a {@code @TestFactory} runs in a scope of its own and fails on its own.
 * <li>Tasks run under a {@link TestHygiene} hygiene report their leftovers on the test, on
 *     whatever thread they ran.
 * <li>What was there before the test is never lost: a value the test replaced or removed is put
 *     back, and only a replaced value is reported. The JDK's own thread-locals (a {@code ThreadLocal}
 *     or a value of a class from {@code jdk.internal.} or {@code sun.}, and the JDK's own caches
 *     in public packages that tests meet, such as {@code java.security.Provider}'s) and those
 *     retained are left alone.
 * </ul>
 * Counted as left behind are the {@link Leftover.Kind#ADDED} and {@link Leftover.Kind#CHANGED}
 * entries and the {@link Leftover.Kind#STALE} ones (entries the test added whose {@code ThreadLocal}
 * became garbage before the test ended: the same leak, whatever the GC did meanwhile). Entries the
 * test removed and the thread's name, priority, context class loader and uncaught-exception handler
 * are restored without a report.
 *
 * <p>Configuration parameters ({@code junit-platform.properties}, or {@code -D} through surefire's
 * {@code configurationParameters} or system properties):
 * <ul>
 * <li>{@value #MODE_PARAMETER}: {@code fail} (the default) or {@code warn}: report the leftovers
 *     (a report entry {@value #REPORT_KEY} on the test and a {@code WARNING} on logger
 *     {@code dev.hygiene.junit}) without failing; the thread is restored all the same;
 * <li>{@value #RETAIN_PARAMETER}: comma-separated class-name prefixes to leave alone, as
 *     {@link RetainThreadLocals} does for one class or method.
 * </ul>
 * A bad value is an {@code ExtensionConfigurationException} naming the parameter, the value and
 * what is allowed. {@link LeavesThreadLocals} marks a test that leaves thread-locals on purpose.
 *
 * <p>Not covered: code that runs on the test's thread outside its scope, which is whatever
 * extensions registered before this one do in their own {@code beforeEach} and {@code afterEach}
 * (registered by autodetection, this extension comes before every {@code @ExtendWith}), a
 * test class's constructor and class-level extensions registered after this one (restored with the
 * class, not reported), a {@code PER_METHOD} constructor on another thread than its class's, and
 * threads the test starts itself, unless their tasks run under a {@link TestHygiene}. Mutation
 * inside a value object that was there before the test cannot be seen by any map-level tool.
 */
public final class ThreadHygieneExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, InvocationInterceptor, ParameterResolver {

    /*
     * Implementation overview. One Ledger per test and per class, kept in the context's store,
     * owns a scope of hygiene-core on the thread that ran the callback that made it (beforeAll,
     * beforeEach) and collects findings from other threads (a class's scope reports only the types
     * that auditing scopes around its @BeforeAll/@AfterAll methods saw them leave): the interceptors give a method that
     * runs on another thread than its ledger's owner a scope of its own, and a TestHygiene's
     * listener hands over its tasks' leftovers. afterEach/afterAll finish the owner's scope
     * (TaskScope.finish, which restores and returns that scope's leftovers alone), settle the
     * ledger and fail or warn. Scopes nest per thread: a test's scope sits inside its class's when
     * both run on the same thread, and a dynamic test's inside its factory's. The hygienes are
     * enforcing, shared per set of retain rules for one engine run (Settings).
     */

    /** The configuration parameter that chooses between failing and warning: {@value}. */
    public static final String MODE_PARAMETER = "hygiene.junit.mode";

    /** The configuration parameter of comma-separated class-name prefixes to retain: {@value}. */
    public static final String RETAIN_PARAMETER = "hygiene.junit.retain";

    /** The key of the report entry that a warning publishes on its test: {@value}. */
    public static final String REPORT_KEY = "hygiene.leftovers";

    static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ThreadHygieneExtension.class);

    private static final System.Logger LOG = System.getLogger("dev.hygiene.junit");

    /** Creates the extension; JUnit does, for {@code @ExtendWith} and autodetection. */
    public ThreadHygieneExtension() {
    }

    /**
     * Opens the class's scope on the current thread.
     *
     * @param context the class's context
     * @throws org.junit.jupiter.api.extension.ExtensionConfigurationException if a configuration
     *         parameter or an annotation is bad, or {@code java.lang} is not open to hygiene
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        open(context, null);
    }

    /**
     * Closes the class's scope and fails the class if its {@code @BeforeAll} or {@code @AfterAll}
     * methods left something on a thread.
     *
     * @param context the class's context
     * @throws AssertionError naming what was left, unless the class only reports
     */
    @Override
    public void afterAll(ExtensionContext context) {
        settle(context);
    }

    /**
     * Opens the test's scope on the current thread, before the {@code @BeforeEach} methods run.
     *
     * @param context the test's context
     * @throws org.junit.jupiter.api.extension.ExtensionConfigurationException if a configuration
     *         parameter or an annotation is bad, or {@code java.lang} is not open to hygiene
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        open(context, context.getTestInstance().orElse(null));
    }

    /**
     * Closes the test's scope after its {@code @AfterEach} methods: restores the thread and fails
     * the test if anything reporting to it left something.
     *
     * @param context the test's context
     * @throws AssertionError naming what was left, unless the test only reports; JUnit adds it to
     *         the test's own failure as suppressed when the test failed already
     */
    @Override
    public void afterEach(ExtensionContext context) {
        settle(context);
    }

    /**
     * Runs a {@code @BeforeAll} method; in a scope of its own if it runs on another thread than its
     * class's callbacks.
     *
     * @throws Throwable what the method throws
     */
    @Override
    public void interceptBeforeAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        classMethod(invocation, context, "by a @BeforeAll method (" + call.getExecutable().getName() + ")");
    }

    /**
     * Runs a {@code @BeforeEach} method; in a scope of its own if it runs on another thread than
     * the test's callbacks.
     *
     * @throws Throwable what the method throws
     */
    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        onItsThread(invocation, context, "by a @BeforeEach method (" + call.getExecutable().getName() + ")");
    }

    /**
     * Runs a test method; in a scope of its own if it runs on another thread than the test's
     * callbacks, as with {@code @Timeout(threadMode = SEPARATE_THREAD)}.
     *
     * @throws Throwable what the method throws
     */
    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        onItsThread(invocation, context, "by the test method, which ran on a thread of its own");
    }

    /**
     * Runs a {@code @TestTemplate} invocation; in a scope of its own if it runs on another thread
     * than the test's callbacks.
     *
     * @throws Throwable what the method throws
     */
    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        onItsThread(invocation, context, "by the test method, which ran on a thread of its own");
    }

    /**
     * Runs a {@code @TestFactory} method; in a scope of its own if it runs on another thread than
     * the test's callbacks.
     *
     * @param <T> the factory's result type
     * @return what the factory returns
     * @throws Throwable what the method throws
     */
    @Override
    public <T> T interceptTestFactoryMethod(Invocation<T> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        Ledger ledger = ledger(context);
        if (ledger == null || ledger.owner == Thread.currentThread()) {
            return invocation.proceed();
        }
        TaskScope scope = ledger.settings.hygiene.enter(call.getTarget().orElse(null));
        try {
            return invocation.proceed();
        } finally {
            report(ledger, scope, "by the test factory method, which ran on a thread of its own");
        }
    }

    /**
     * Runs a dynamic test in a scope of its own and fails it if it left something.
     *
     * @throws Throwable what the dynamic test throws, with the leftovers suppressed
     */
    @Override
    public void interceptDynamicTest(Invocation<Void> invocation, DynamicTestInvocationContext call,
            ExtensionContext context) throws Throwable {
        Ledger factory = ledger(context);
        if (factory == null) {
            invocation.proceed();
            return;
        }
        Settings settings = factory.settings;
        TaskScope scope = settings.hygiene.enter(call.getExecutable());
        Throwable failure = null;
        try {
            invocation.proceed();
        } catch (Throwable t) {
            failure = t;
        }
        Closed closed = close(scope);
        List<Leftover> counted = Ledger.counted(closed.leftovers);
        if (!counted.isEmpty() || closed.problem != null) {
            List<Ledger.Finding> findings = counted.isEmpty() ? List.of()
                    : List.of(new Ledger.Finding("by the dynamic test", Thread.currentThread().getName(), counted));
            String message = Messages.leftovers("dynamic test " + context.getDisplayName(), findings, closed.problem,
                    settings);
            if (settings.reportsOnly()) {
                warn(context, message);
            } else if (failure != null) {
                failure.addSuppressed(new AssertionError(message));
            } else {
                throw new AssertionError(message);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Runs an {@code @AfterEach} method; in a scope of its own if it runs on another thread than the
     * test's callbacks.
     *
     * @throws Throwable what the method throws
     */
    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        onItsThread(invocation, context, "by an @AfterEach method (" + call.getExecutable().getName() + ")");
    }

    /**
     * Runs an {@code @AfterAll} method; in a scope of its own if it runs on another thread than its
     * class's callbacks.
     *
     * @throws Throwable what the method throws
     */
    @Override
    public void interceptAfterAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        classMethod(invocation, context, "by an @AfterAll method (" + call.getExecutable().getName() + ")");
    }

    /**
     * Supports a {@link ThreadHygiene} parameter annotated {@link TestHygiene}.
     *
     * @param parameter the parameter
     * @param context the context it is resolved in
     * @return whether it is such a parameter
     */
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ThreadHygiene.class && parameter.isAnnotated(TestHygiene.class);
    }

    /**
     * Resolves a {@link TestHygiene} parameter with a new enforcing hygiene whose tasks report to
     * the test, or to the class for a class-level method.
     *
     * @param parameter the parameter
     * @param context the context it is resolved in
     * @return the hygiene
     * @throws ParameterResolutionException if this extension does not watch the context (it was
     *         registered on a method, and the parameter is resolved in the class's context)
     */
    @Override
    public ThreadHygiene resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Ledger ledger = ledger(context);
        if (ledger == null) {
            throw new ParameterResolutionException("@TestHygiene " + parameter.getParameter() + " of "
                    + parameter.getDeclaringExecutable() + " is resolved in " + context.getDisplayName()
                    + ", which ThreadHygieneExtension does not watch: register it on the class");
        }
        return ThreadHygiene.of(Settings.policy(ledger.settings.retain)
                .onLeftovers((worker, leftovers) -> {
                    List<Leftover> counted = Ledger.counted(leftovers);
                    if (counted.isEmpty()) {
                        return;
                    }
                    Ledger.Finding finding = new Ledger.Finding("by task " + counted.get(0).taskType()
                            + " under @TestHygiene", worker.getName(), counted);
                    if (!ledger.report(finding)) {
                        LOG.log(System.Logger.Level.WARNING, Messages.leftovers("a task of "
                                + context.getDisplayName() + ", which ended after its test,",
                                List.of(finding), null, ledger.settings));
                    }
                })
                .build());
    }

    private static void open(ExtensionContext context, Object task) {
        Settings settings = Settings.of(context);
        Ledger parent = ledger(context);
        context.getStore(NAMESPACE).put(Ledger.class, new Ledger(parent, settings, task));
    }

    /** The ledger of this context, or of the nearest enclosing one (the store looks up its parents). */
    private static Ledger ledger(ExtensionContext context) {
        return context.getStore(NAMESPACE).get(Ledger.class, Ledger.class);
    }

    private static void settle(ExtensionContext context) {
        Ledger ledger = context.getStore(NAMESPACE).remove(Ledger.class, Ledger.class);
        if (ledger == null) {
            return;
        }
        Closed closed = close(ledger.scope);
        boolean test = context.getTestMethod().isPresent();
        List<Leftover> own = Ledger.counted(closed.leftovers);
        own = ledger.withoutRetainedBelow(test ? own : ledger.leftByClassMethods(own));
        if (test && ledger.parent != null && !ledger.settings.retain.isEmpty()) {
            ledger.parent.retainedBelow(ledger.settings.retain);
        }
        if (!own.isEmpty()) {
            ledger.report(new Ledger.Finding(test
                    ? "by its @BeforeEach methods, the test method or its @AfterEach methods"
                    : "by its @BeforeAll or @AfterAll methods",
                    ledger.owner.getName(), own));
        }
        List<Ledger.Finding> findings = ledger.settle();
        if (findings.isEmpty() && closed.problem == null) {
            return;
        }
        String subject = (test ? "test " : "class ") + context.getDisplayName();
        String message = Messages.leftovers(subject, findings, closed.problem, ledger.settings);
        if (ledger.settings.reportsOnly()) {
            warn(context, message);
        } else {
            throw new AssertionError(message);
        }
    }

    /**
     * Runs {@code invocation}, in a scope of its own when the current thread is not the one whose
     * scope the ledger owns, and hands what that scope found to the ledger.
     */
    private static void onItsThread(Invocation<Void> invocation, ExtensionContext context, String where)
            throws Throwable {
        Ledger ledger = ledger(context);
        if (ledger == null || ledger.owner == Thread.currentThread()) {
            invocation.proceed();
            return;
        }
        TaskScope scope = ledger.settings.hygiene.enter(context.getTestInstance().orElse(null));
        try {
            invocation.proceed();
        } finally {
            report(ledger, scope, where);
        }
    }

    /**
     * Runs a {@code @BeforeAll} or {@code @AfterAll} method: on its class's thread in an auditing
     * scope, which changes nothing and notes what the method left, so that the class's scope
     * reports only entries of those types; on another thread as {@link #onItsThread} does.
     */
    private static void classMethod(Invocation<Void> invocation, ExtensionContext context, String where)
            throws Throwable {
        Ledger ledger = ledger(context);
        if (ledger == null || ledger.owner != Thread.currentThread()) {
            onItsThread(invocation, context, where);
            return;
        }
        TaskScope scope = ledger.settings.auditing.enter(null);
        try {
            invocation.proceed();
        } finally {
            ledger.classMethodLeft(Ledger.counted(close(scope).leftovers));
        }
    }

    private static void report(Ledger ledger, TaskScope scope, String where) {
        Closed closed = close(scope);
        List<Leftover> counted = Ledger.counted(closed.leftovers);
        if (!counted.isEmpty()) {
            ledger.report(new Ledger.Finding(where, Thread.currentThread().getName(), counted));
        }
    }

    /** What closing a scope found, and the misuse that made it close quietly instead, if any. */
    private record Closed(List<Leftover> leftovers, String problem) {
    }

    /**
     * Finishes the scope; when the test left a scope of its own open inside it, closes both
     * quietly (which still restores the thread) and says so.
     */
    private static Closed close(TaskScope scope) {
        try {
            return new Closed(scope.finish(), null);
        } catch (IllegalStateException e) {
            scope.closeQuietly();
            return new Closed(List.of(), e.getMessage());
        }
    }

    private static void warn(ExtensionContext context, String message) {
        context.publishReportEntry(REPORT_KEY, message);
        LOG.log(System.Logger.Level.WARNING, message);
    }
}
