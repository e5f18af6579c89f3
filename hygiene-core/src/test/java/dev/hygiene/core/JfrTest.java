package dev.hygiene.core;

import dev.hygiene.core.internal.TestAccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.testsupport.Gc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JFR event {@value TestAccess#JFR_EVENT_NAME}: one per leftover while a recording has it enabled,
 * with the hygiene, mode, kind, task, {@code ThreadLocal}, value and worker; none for a clean task,
 * none when the event is off.
 *
 * <p>Each test records its own {@link Recording} and uses its own task, {@code ThreadLocal}, value
 * and thread names: on JDK 17.0.x a string that one recording stored can read back as null from a
 * later recording in the same JVM (DESIGN.md), so no long string is shared between tests.
 */
class JfrTest {

    @TempDir
    Path dir;

    // Per test: task, ThreadLocal and value types that no other test uses.

    static final class EnforceLocal extends ThreadLocal<EnforceValue> {
    }

    static final class EnforceValue {
    }

    static final class EnforceLeak implements Runnable {
        static final EnforceLocal LOCAL = new EnforceLocal();

        @Override
        public void run() {
            LOCAL.set(new EnforceValue());
        }
    }

    @Test
    void enforcedAddedLocalIsOneEventNamingTaskLocalValueAndWorker() {
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().name("jfr-enforce-pool").build());
        try (ReusedThread thread = new ReusedThread("jfr-enforce-worker")) {
            List<RecordedEvent> events = record(true, () -> thread.run(hygiene, new EnforceLeak()));
            assertEquals(1, events.size(), events::toString);
            RecordedEvent event = events.get(0);
            assertEquals("jfr-enforce-pool", event.getString("hygiene"));
            assertEquals("ENFORCE", event.getString("mode"));
            assertEquals("ADDED", event.getString("kind"));
            assertEquals(EnforceLeak.class.getName(), event.getString("taskType"));
            assertEquals(EnforceLocal.class.getName(), event.getString("localType"));
            assertEquals(EnforceValue.class.getName(), event.getString("valueType"));
            assertFalse(event.getBoolean("inheritable"));
            assertEquals("jfr-enforce-worker", event.getString("worker"));
            assertEquals(thread.thread().getId(), event.getLong("workerId"));
            assertEquals(thread.thread().getId(), event.getThread().getJavaThreadId(), "committed on the worker");
            assertNull(thread.call(EnforceLeak.LOCAL::get), "control: the leftover was undone");
        }
    }

    static final class AuditLocal extends InheritableThreadLocal<AuditValue> {
    }

    static final class AuditValue {
    }

    static final class AuditReplacedValue {
    }

    static final class AuditLeak implements Runnable {
        static final AuditLocal INHERITABLE = new AuditLocal();
        static final ThreadLocal<Object> EXISTING = new ThreadLocal<>();

        @Override
        public void run() {
            INHERITABLE.set(new AuditValue());
            EXISTING.set(new AuditReplacedValue());
        }
    }

    @Test
    void auditedLeftoversAreEventsToo() {
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().name("jfr-audit-pool").mode(Mode.AUDIT).build());
        try (ReusedThread thread = new ReusedThread("jfr-audit-worker")) {
            thread.run(() -> AuditLeak.EXISTING.set("before the task"));
            List<RecordedEvent> events = record(true, () -> thread.run(hygiene, new AuditLeak()));
            assertEquals(2, events.size(), events::toString);
            RecordedEvent added = find(events, "ADDED");
            assertEquals("jfr-audit-pool", added.getString("hygiene"));
            assertEquals("AUDIT", added.getString("mode"));
            assertEquals(AuditLeak.class.getName(), added.getString("taskType"));
            assertEquals(AuditLocal.class.getName(), added.getString("localType"));
            assertEquals(AuditValue.class.getName(), added.getString("valueType"));
            assertTrue(added.getBoolean("inheritable"));
            assertEquals("jfr-audit-worker", added.getString("worker"));
            RecordedEvent changed = find(events, "CHANGED");
            assertEquals(AuditReplacedValue.class.getName(), changed.getString("valueType"));
            assertFalse(changed.getBoolean("inheritable"));
            assertTrue(thread.call(() -> AuditLeak.INHERITABLE.get() != null), "control: AUDIT left it in place");
            thread.run(() -> {
                AuditLeak.INHERITABLE.remove();
                AuditLeak.EXISTING.remove();
            });
        }
    }

    static final class StaleValue {
    }

    static final class StaleLeak implements Runnable {
        @Override
        public void run() {
            ThreadLocal<StaleValue> perRequest = new ThreadLocal<>();
            perRequest.set(new StaleValue());
            WeakReference<Object> key = new WeakReference<>(perRequest);
            perRequest = null;
            Gc.awaitCleared(key);
        }
    }

    @Test
    void staleEntryIsAnEventOfKindStale() {
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().name("jfr-stale-pool").build());
        try (ReusedThread thread = new ReusedThread("jfr-stale-worker")) {
            List<RecordedEvent> events = record(true, () -> thread.run(hygiene, new StaleLeak()));
            assertEquals(1, events.size(), events::toString);
            RecordedEvent event = events.get(0);
            assertEquals("STALE", event.getString("kind"));
            assertEquals(Leftover.COLLECTED, event.getString("localType"));
            assertEquals(StaleValue.class.getName(), event.getString("valueType"));
            assertEquals(StaleLeak.class.getName(), event.getString("taskType"));
            assertEquals(1, hygiene.stats().staleExpunged(), "control: it was expunged");
        }
    }

    static final class RenamingTask implements Runnable {
        @Override
        public void run() {
            Thread.currentThread().setName("jfr-renamed-by-the-task");
        }
    }

    @Test
    void threadStateChangeIsAnEventNamingTheWorkerAsItWasBeforeTheTask() {
        // AUDIT leaves the new name in place, so only the snapshot knows the one before the task.
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().name("jfr-state-pool").mode(Mode.AUDIT).build());
        try (ReusedThread thread = new ReusedThread("jfr-state-worker")) {
            List<RecordedEvent> events = record(true, () -> thread.run(hygiene, new RenamingTask()));
            assertEquals(1, events.size(), events::toString);
            RecordedEvent event = events.get(0);
            assertEquals("THREAD_STATE", event.getString("kind"));
            assertEquals("AUDIT", event.getString("mode"));
            assertEquals("Thread.name", event.getString("localType"));
            assertEquals(String.class.getName(), event.getString("valueType"));
            assertEquals(RenamingTask.class.getName(), event.getString("taskType"));
            assertEquals("jfr-state-worker", event.getString("worker"));
            assertEquals("jfr-renamed-by-the-task", thread.call(() -> Thread.currentThread().getName()),
                    "control: the task's name stayed");
        }
    }

    static final class InheritedLocal extends InheritableThreadLocal<InheritedValue> {
    }

    static final class InheritedValue {
    }

    @Test
    void valueANewThreadInheritedIsAnEventOfThreadCreation() {
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().name("jfr-creation-pool").build());
        InheritedLocal local = new InheritedLocal();
        try (ReusedThread creator = new ReusedThread("jfr-creating-thread", false)) {
            List<RecordedEvent> events = record(true, () -> creator.run(() -> {
                local.set(new InheritedValue());
                try {
                    hygiene.startClean(new Thread(() -> { }, "jfr-created-thread"));
                } finally {
                    local.remove();
                }
            }));
            assertEquals(1, events.size(), events::toString);
            RecordedEvent event = events.get(0);
            assertEquals("ADDED", event.getString("kind"));
            assertEquals(Leftover.THREAD_CREATION, event.getString("taskType"));
            assertEquals(InheritedLocal.class.getName(), event.getString("localType"));
            assertEquals(InheritedValue.class.getName(), event.getString("valueType"));
            assertTrue(event.getBoolean("inheritable"));
            assertEquals("jfr-created-thread", event.getString("worker"));
            assertEquals(creator.thread().getId(), event.getThread().getJavaThreadId(),
                    "committed on the creating thread");
        }
    }

    static final class CleanLocal extends ThreadLocal<Object> {
    }

    static final class CleanControlValue {
    }

    @Test
    void cleanTaskIsNoEvent() {
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().name("jfr-clean-pool").build());
        CleanLocal local = new CleanLocal();
        try (ReusedThread thread = new ReusedThread("jfr-clean-worker")) {
            List<RecordedEvent> events = record(true, () -> {
                thread.run(hygiene, () -> {
                    local.set("tidy");
                    local.remove();
                });
                thread.run(hygiene, () -> { });
                // The control: a task that leaves something, in the same recording.
                thread.run(hygiene, () -> local.set(new CleanControlValue()));
            });
            assertEquals(1, events.size(), events::toString);
            assertEquals(CleanControlValue.class.getName(), events.get(0).getString("valueType"));
            assertEquals(3, hygiene.stats().tasks());
        }
    }

    static final class DisabledValue {
    }

    @Test
    void disabledEventIsNotRecordedNorPrepared() {
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().name("jfr-disabled-pool").build());
        ThreadLocal<Object> local = new ThreadLocal<>();
        try (ReusedThread thread = new ReusedThread("jfr-disabled-worker")) {
            List<Boolean> recording = new ArrayList<>();
            List<RecordedEvent> events = record(false, () -> {
                recording.add(TestAccess.jfrRecording());
                thread.run(hygiene, () -> local.set(new DisabledValue()));
            });
            assertEquals(List.of(), events);
            assertEquals(List.of(false), recording);
            assertEquals(1, hygiene.stats().leftovers(), "control: there was a leftover to record");
            assertEquals(List.of(true), recordingWhileEnabled());
            assertFalse(TestAccess.jfrRecording(), "no recording runs any more");
        }
    }

    private List<Boolean> recordingWhileEnabled() {
        List<Boolean> recording = new ArrayList<>();
        record(true, () -> recording.add(TestAccess.jfrRecording()));
        return recording;
    }

    /**
     * Runs {@code body} during a recording that has only {@value TestAccess#JFR_EVENT_NAME}, enabled or
     * disabled, and returns the events of that type it recorded.
     */
    private List<RecordedEvent> record(boolean enabled, Runnable body) {
        Path file;
        try (Recording recording = new Recording()) {
            if (enabled) {
                recording.enable(TestAccess.JFR_EVENT_NAME);
            } else {
                recording.disable(TestAccess.JFR_EVENT_NAME);
            }
            recording.start();
            body.run();
            recording.stop();
            file = Files.createTempFile(dir, "leftovers-", ".jfr");
            recording.dump(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            List<RecordedEvent> events = new ArrayList<>();
            for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
                if (event.getEventType().getName().equals(TestAccess.JFR_EVENT_NAME)) {
                    events.add(event);
                }
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RecordedEvent find(List<RecordedEvent> events, String kind) {
        for (RecordedEvent event : events) {
            if (kind.equals(event.getString("kind"))) {
                return event;
            }
        }
        throw new AssertionError("no event of kind " + kind + " in " + events);
    }
}
