package dev.hygiene.core.internal;

import dev.hygiene.core.Leftover;
import dev.hygiene.core.Mode;
import java.util.ArrayList;
import java.util.List;

/**
 * The one reader of {@link Findings}: once a thread is settled, tells everyone who wants to know
 * what a close or a thread creation found. The stats count every finding, in runs of one row at a
 * time; {@link Leftover} objects are built here and nowhere else, and only when someone reads
 * them: the policy's {@link LeftoverListener}, a Flight Recorder recording of
 * {@link LeftoverEvent}, the caller of {@link TaskScope#finish()}, or the log for a type the stats
 * had not seen. Logging and the listener run code that may use thread-locals of its own; the
 * listener runs once the scope is popped, and the log waits (in the {@link Worker}) until the thread
 * is out of every scope, so that no open scope counts their entries as its task's leftovers.
 */
final class Report {

    private Report() {
    }

    /**
     * Reports the findings of a closed scope, after its frame was popped, and clears them.
     *
     * @param workerName the thread's name before the task (when the policy covers thread state), or null
     * @param taskType the class the task's leftovers are charged to, or null
     * @param collect whether the caller wants the leftovers
     * @return the leftovers, when {@code collect} and there are any; null otherwise
     */
    static List<Leftover> scopeClosed(Engine hygiene, Mode mode, Worker worker, Thread thread, String workerName,
            Class<?> taskType, Findings findings, boolean collect) {
        Stats stats = hygiene.stats;
        int count = findings.count();
        Tally tally = worker.tally(stats);
        stats.taskClosed(tally, taskType, count, findings.staleExpunged());
        if (count == 0) {
            findings.clear();
            return null;
        }
        String task = TaskTypes.name(taskType);
        countRows(stats, tally, findings, task, worker);
        List<Leftover> leftovers = tell(hygiene, mode, thread, workerName, findings, task, collect);
        return collect ? leftovers : null;
    }

    /**
     * Reports what a new thread inherited, found by {@link Inheritance} on the creating thread:
     * leftovers of no task, charged to {@value Leftover#THREAD_CREATION}.
     */
    static void threadCreated(Engine hygiene, Mode mode, Thread thread, Findings findings) {
        Stats stats = hygiene.stats;
        int count = findings.count();
        stats.threadCreated(count, findings.staleExpunged());
        if (count == 0) {
            findings.clear();
            return;
        }
        countRows(stats, null, findings, Leftover.THREAD_CREATION, Worker.existing());
        tell(hygiene, mode, thread, null, findings, Leftover.THREAD_CREATION, false);
    }

    /**
     * Builds the leftovers if anyone reads them, clears the findings, then hands the leftovers to
     * the listener and to JFR. Returns them, or null when nobody asked.
     */
    private static List<Leftover> tell(Engine hygiene, Mode mode, Thread thread, String workerName, Findings findings,
            String task, boolean collect) {
        boolean recording = LeftoverEvents.isRecording();
        List<Leftover> leftovers = hygiene.listener != null || recording || collect
                ? leftovers(findings, task) : null;
        // The frame may be reused from here on (a listener can enter a scope): read nothing more.
        findings.clear();
        if (hygiene.listener != null) {
            hygiene.notifyListener(thread, leftovers);
        }
        if (recording) {
            LeftoverEvents.commit(hygiene.name(), mode, leftovers, workerName != null ? workerName : thread.getName(),
                    thread.getId());
        }
        return leftovers;
    }

    /**
     * Adds each run of findings of one row to that row. A row made by this count is a type the
     * stats had not seen: its first occurrence is logged once {@code worker}'s thread is out of
     * every scope (at once when the thread has no scope open).
     */
    private static void countRows(Stats stats, Tally tally, Findings findings, String task, Worker worker) {
        int size = findings.size();
        for (int i = 0; i < size; ) {
            int run = 1;
            int n = findings.repeats(i);
            while (i + run < size && findings.sameRow(i, i + run)) {
                n += findings.repeats(i + run);
                run++;
            }
            String property = findings.property(i);
            boolean created = property != null
                    ? stats.countThreadState(property, findings.valueType(i), n)
                    : stats.countEntries(tally, findings.localType(i),
                            findings.kind(i) == Leftover.Kind.REMOVED ? Stats.REMOVED : findings.valueType(i), n);
            if (created) {
                Leftover first = leftover(findings, i, task);
                if (worker != null && worker.depth > 0) {
                    worker.logLater(stats, first);
                } else {
                    stats.logFirstOccurrence(first);
                }
            }
            i += run;
        }
    }

    /** Logs the first occurrences that waited for the thread to leave its last scope. */
    static void pendingLog(Worker worker) {
        List<Worker.PendingLog> pending = worker.takePendingLog();
        for (Worker.PendingLog p : pending) {
            p.stats().logFirstOccurrence(p.leftover());
        }
    }

    private static List<Leftover> leftovers(Findings findings, String task) {
        List<Leftover> leftovers = new ArrayList<>(findings.count());
        for (int i = 0, size = findings.size(); i < size; i++) {
            for (int r = findings.repeats(i); r > 0; r--) {
                leftovers.add(leftover(findings, i, task));
            }
        }
        return List.copyOf(leftovers);
    }

    private static Leftover leftover(Findings findings, int i, String task) {
        String property = findings.property(i);
        Class<?> local = findings.localType(i);
        Class<?> value = findings.valueType(i);
        String localType = property != null ? property : local == null ? Leftover.COLLECTED : local.getName();
        return new Leftover(findings.kind(i), localType, value == null ? null : value.getName(),
                findings.inheritable(i), task);
    }
}
