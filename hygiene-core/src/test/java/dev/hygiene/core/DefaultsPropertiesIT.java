package dev.hygiene.core;

import dev.hygiene.testsupport.ChildProcess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ThreadHygiene#defaults()} as a user configures it, with {@code -D} on the command line of
 * a fresh JVM (which has {@code java.lang} opened): {@code hygiene.mode} and {@code hygiene.retain},
 * and the messages of bad values, which must name the property, the value and what is allowed.
 */
class DefaultsPropertiesIT {

    private static ChildProcess defaultsWith(String... properties) {
        List<String> options = new ArrayList<>(ChildJvm.OPENS_TO_CLASS_PATH);
        options.addAll(List.of(properties));
        return ChildJvm.classPath(options, "defaults").assertExitCode(ChildProbe.EXIT_OK);
    }

    @Test
    void enforcesWhenModeIsUnset() {
        defaultsWith()
                .assertValue("defaults", "ok")
                .assertValue("defaults.mode", "ENFORCE")
                .assertValue("defaults.name", "default")
                .assertValue("defaults.retainTypes", "[]");
    }

    @Test
    void readsModeInAnyCase() {
        defaultsWith("-Dhygiene.mode=AUDIT").assertValue("defaults.mode", "AUDIT");
        defaultsWith("-Dhygiene.mode=Enforce").assertValue("defaults.mode", "ENFORCE");
    }

    @Test
    void readsModeOff() {
        defaultsWith("-Dhygiene.mode=off").assertValue("defaults.mode", "OFF");
    }

    @Test
    void modeOffWorksWhateverRetainHolds() {
        defaultsWith("-Dhygiene.mode=off", "-Dhygiene.retain=com.acme.")
                .assertValue("defaults", "ok")
                .assertValue("defaults.mode", "OFF")
                .assertValue("defaults.retainTypes", "[]");
        defaultsWith("-Dhygiene.mode=off", "-Dhygiene.retain=com.acme.,,x")
                .assertValue("defaults", "ok")
                .assertValue("defaults.mode", "OFF");
    }

    @Test
    void rejectsUnknownModeNamingPropertyValueAndAllowedValues() {
        defaultsWith("-Dhygiene.mode=bogus")
                .assertValue("defaults", "failed")
                .assertValue("defaults.exception", IllegalArgumentException.class.getName())
                .assertValueContains("defaults.message", "hygiene.mode", "bogus", "enforce", "audit", "off");
    }

    @Test
    void readsRetainPrefixesTrimmedInOrder() {
        defaultsWith("-Dhygiene.retain=com.acme., org.slf4j.MDC")
                .assertValue("defaults", "ok")
                .assertValue("defaults.retainTypes", "[com.acme., org.slf4j.MDC]");
    }

    @Test
    void rejectsEmptyRetainItemNamingPropertyAndValue() {
        defaultsWith("-Dhygiene.retain=com.acme.,,x")
                .assertValue("defaults", "failed")
                .assertValue("defaults.exception", IllegalArgumentException.class.getName())
                .assertValueContains("defaults.message", "hygiene.retain", "com.acme.,,x", "empty");
    }

    @Test
    void rejectsRetainPrefixThatCannotStartAClassName() {
        defaultsWith("-Dhygiene.retain=com.ac-me.")
                .assertValue("defaults.exception", IllegalArgumentException.class.getName())
                .assertValueContains("defaults.message", "hygiene.retain", "com.ac-me.");
    }

    @Test
    void retainPropertyKeepsMatchingThreadLocalWhileEnforceCleansTheRest() {
        List<String> options = new ArrayList<>(ChildJvm.OPENS_TO_CLASS_PATH);
        options.add("-Dhygiene.retain=" + ChildProbe.KeptLocal.class.getName());
        ChildJvm.classPath(options, "retain").assertExitCode(ChildProbe.EXIT_OK)
                .assertValue("retain.sameWorker", "true")
                .assertValue("retain.kept", ChildProbe.LEFT_VALUE)
                .assertValue("retain.local", "null");
    }

    @Test
    void withoutRetainPropertyEnforceCleansThatThreadLocalToo() {
        ChildJvm.classPath(ChildJvm.OPENS_TO_CLASS_PATH, "retain").assertExitCode(ChildProbe.EXIT_OK)
                .assertValue("retain.sameWorker", "true")
                .assertValue("retain.kept", "null")
                .assertValue("retain.local", "null");
    }
}
