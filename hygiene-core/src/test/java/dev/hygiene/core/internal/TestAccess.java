package dev.hygiene.core.internal;

/**
 * What the tests of {@code dev.hygiene.core} observe of the engine: package-private members of this
 * package, made reachable for tests only. Main code has no such door.
 */
public final class TestAccess {

    /** Hygiene's own thread-local, the one a thread that is not a {@code HygienicThread} keeps its state in. */
    public static final ThreadLocal<?> STATE = Worker.STATE;

    /** How the class name of every copy's state thread-local ends. */
    public static final String STATE_CLASS_SUFFIX = Worker.STATE_CLASS_SUFFIX;

    /** The name of hygiene's Flight Recorder event. */
    public static final String JFR_EVENT_NAME = LeftoverEvent.NAME;

    /** The domain and type of hygiene's MBeans' object names. */
    public static final String MBEAN_DOMAIN = HygieneMBeans.DOMAIN;
    public static final String MBEAN_TYPE = HygieneMBeans.TYPE;

    private TestAccess() {
    }

    /** The current thread's hygiene state, or null if it has none; never creates it. */
    public static Object existingState() {
        return Worker.existing();
    }

    /** Whether hygiene's Flight Recorder event is being recorded. */
    public static boolean jfrRecording() {
        return LeftoverEvents.isRecording();
    }

    /** {@code thread}'s own uncaught-exception handler field, null when it falls back to its group. */
    public static Thread.UncaughtExceptionHandler uncaughtHandler(Thread thread) {
        return JdkAccess.uncaughtHandler(thread);
    }
}
