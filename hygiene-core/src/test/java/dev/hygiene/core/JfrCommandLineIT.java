package dev.hygiene.core;

import dev.hygiene.core.internal.TestAccess;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hygiene.testsupport.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command lines that {@link LeftoverEvents} documents, run in a child JVM against the packaged
 * jar: a recording started with {@code -XX:StartFlightRecording} has one {@value TestAccess#JFR_EVENT_NAME}
 * per leftover with the default settings and with {@code settings=none,+dev.hygiene.Leftover#enabled=true},
 * and none with {@code +dev.hygiene.Leftover#enabled=false}.
 */
class JfrCommandLineIT {

    @TempDir
    Path dir;

    /** What the {@code leftovers} probe leaves per hygiene, as kind, task type and inheritable. */
    private static final List<String> KINDS = List.of(
            "ADDED <thread creation> inheritable",
            "ADDED task",
            "ADDED task inheritable",
            "THREAD_STATE task");

    @Test
    void defaultSettingsRecordEveryLeftover() {
        Map<String, List<String>> events = recordProbe("");
        assertEquals(Map.of("child-enforce ENFORCE", KINDS, "child-audit AUDIT", KINDS), events);
    }

    @Test
    void settingsNoneWithTheEventEnabledRecordsEveryLeftover() {
        Map<String, List<String>> events = recordProbe(",settings=none,+" + TestAccess.JFR_EVENT_NAME + "#enabled=true");
        assertEquals(Map.of("child-enforce ENFORCE", KINDS, "child-audit AUDIT", KINDS), events);
    }

    @Test
    void eventDisabledOnTheCommandLineRecordsNothing() {
        Map<String, List<String>> events = recordProbe(",+" + TestAccess.JFR_EVENT_NAME + "#enabled=false");
        assertEquals(Map.of(), events);
    }

    /**
     * Runs the {@code leftovers} probe under {@code -XX:StartFlightRecording:filename=...<options>}
     * and returns its events by hygiene and mode, each as kind, task and inheritable, sorted.
     */
    private Map<String, List<String>> recordProbe(String options) {
        Path file = dir.resolve("rec.jfr");
        List<String> jvm = new ArrayList<>(ChildJvm.OPENS_TO_CLASS_PATH);
        jvm.add("-XX:StartFlightRecording:filename=" + file + options);
        ChildProcess child = ChildJvm.classPath(jvm, "leftovers").assertExitCode(ChildProbe.EXIT_OK)
                .assertValue("leftovers.jfrModule", "true")
                .assertValue("leftovers.enforce.count", String.valueOf(ChildProbe.LEFTOVERS))
                .assertValue("leftovers.audit.count", String.valueOf(ChildProbe.LEFTOVERS));
        Map<String, List<String>> byHygiene = new TreeMap<>();
        try {
            for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
                if (!event.getEventType().getName().equals(TestAccess.JFR_EVENT_NAME)) {
                    continue;
                }
                String task = event.getString("taskType");
                String kind = event.getString("kind") + " "
                        + (task.equals(Leftover.THREAD_CREATION) ? task : "task")
                        + (event.getBoolean("inheritable") ? " inheritable" : "");
                byHygiene.computeIfAbsent(event.getString("hygiene") + " " + event.getString("mode"),
                        k -> new ArrayList<>()).add(kind);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + "\n" + child.describe(), e);
        }
        byHygiene.values().forEach(kinds -> kinds.sort(null));
        return byHygiene;
    }
}
