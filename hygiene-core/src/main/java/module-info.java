/**
 * hygiene's core: per-task snapshot and restore of a thread's {@code ThreadLocal} maps, its policy
 * and stats, and the agent that opens {@code java.lang} to it.
 *
 * <p>{@code dev.hygiene.core} is the API. {@code dev.hygiene.core.internal} is the engine and the
 * reporting channels; it is exported only to hygiene's own modules and may change in any release.
 * JMX, Flight Recorder and the instrumentation API are optional: hygiene uses each only when it is
 * present and asked for.
 */
module dev.hygiene.core {
    requires static java.instrument;
    requires static java.management;
    requires static jdk.jfr;

    exports dev.hygiene.core;
    exports dev.hygiene.core.internal to dev.hygiene.executors;
}
