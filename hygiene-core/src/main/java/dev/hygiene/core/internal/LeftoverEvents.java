package dev.hygiene.core.internal;

import dev.hygiene.core.Leftover;
import dev.hygiene.core.Mode;
import java.util.List;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;

/**
 * Commits a {@link LeftoverEvent} for each leftover while JDK Flight Recorder records that event,
 * and costs nothing when it does not.
 *
 * <p>The event is enabled by default, and the JDK's {@code .jfc} files do not name it, so every
 * recording has it unless it is turned off: {@code settings=default}, {@code settings=profile}, and
 * {@code settings=none}, which then records little else:
 * <pre>{@code
 * java -XX:StartFlightRecording:filename=rec.jfr ...
 * jfr print --events dev.hygiene.Leftover rec.jfr
 * }</pre>
 * Event settings that a {@code .jfc} file does not name take a {@code +} on the command line (JDK 17
 * and later): {@code -XX:StartFlightRecording:settings=none,+dev.hygiene.Leftover#enabled=true,filename=rec.jfr}
 * states it explicitly, and {@code +dev.hygiene.Leftover#enabled=false} turns it off; without the
 * {@code +} the setting is ignored. A recording started later with {@code jcmd <pid> JFR.start}
 * has it as well.
 *
 * <p>Implementation notes. Only this class and {@link LeftoverEvent} refer to {@code jdk.jfr}, and
 * only through the nested {@link Jfr}, which the JVM loads when a task first leaves something. A JVM
 * without the module ({@code --limit-modules java.base}, a jlink image) fails that load with a
 * {@link LinkageError}, which is caught once and turns the events off for good: hygiene works the
 * same without them. A task that leaves nothing never comes here. A task that leaves something
 * asks {@link #isRecording()} once, which reads {@code FlightRecorder.isInitialized()}, a volatile
 * boolean, and, once Flight Recorder was started, the event type's enabled flag, which is set while
 * some running recording has the event enabled: no allocation, no lock. Only then does the closing
 * scope build the {@link Leftover}s (as it does for a listener) and commit them, after the thread
 * is settled, so that nothing Flight Recorder does can change a map while hygiene walks it.
 */
final class LeftoverEvents {

    /** Set once {@code jdk.jfr} turned out to be missing; never cleared. Racy: a lost write costs one more try. */
    private static boolean unavailable;

    private LeftoverEvents() {
    }

    /**
     * Whether some running recording has the event enabled. Allocates nothing, but for looking up
     * the event type once after Flight Recorder started.
     *
     * @return true when {@link #commit} would record events
     */
    static boolean isRecording() {
        if (unavailable) {
            return false;
        }
        try {
            return Jfr.isRecording();
        } catch (LinkageError e) {
            unavailable = true;
            return false;
        }
    }

    /**
     * Commits one event per leftover, as far as the event is still enabled.
     *
     * @param hygiene the name of the hygiene that found them
     * @param mode its mode
     * @param leftovers what was found
     * @param worker the name of the thread the leftovers are on
     * @param workerId the id of that thread
     */
    static void commit(String hygiene, Mode mode, List<Leftover> leftovers, String worker, long workerId) {
        if (unavailable) {
            return;
        }
        try {
            Jfr.commit(hygiene, mode, leftovers, worker, workerId);
        } catch (LinkageError e) {
            unavailable = true;
        }
    }

    /** The part that links against {@code jdk.jfr}. */
    private static final class Jfr {

        /** The event's type, once Flight Recorder was started. Racy: a lost write costs one more lookup. */
        private static EventType type;

        static boolean isRecording() {
            if (!FlightRecorder.isInitialized()) {
                return false;
            }
            EventType t = type;
            if (t == null) {
                type = t = EventType.getEventType(LeftoverEvent.class);
            }
            return t.isEnabled();
        }

        static void commit(String hygiene, Mode mode, List<Leftover> leftovers, String worker, long workerId) {
            String modeName = mode.name();
            for (int i = 0, n = leftovers.size(); i < n; i++) {
                Leftover leftover = leftovers.get(i);
                LeftoverEvent event = new LeftoverEvent();
                if (!event.shouldCommit()) {
                    return;
                }
                event.hygiene = hygiene;
                event.mode = modeName;
                event.kind = leftover.kind().name();
                event.taskType = leftover.taskType();
                event.localType = leftover.localType();
                event.valueType = leftover.valueType();
                event.inheritable = leftover.inheritable();
                event.worker = worker;
                event.workerId = workerId;
                event.commit();
            }
        }
    }
}
