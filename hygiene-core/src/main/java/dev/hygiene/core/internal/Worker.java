package dev.hygiene.core.internal;

import dev.hygiene.core.HygienicThread;
import dev.hygiene.core.Leftover;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The hygiene state of one thread: the stack of its open scopes. Frames are created on first use
 * at each depth and reused afterwards, so entering and closing allocate nothing in steady state.
 *
 * <p>On a {@link HygienicThread} the state lives in a field of the thread. On any other thread it
 * is found through {@link #STATE}, a thread-local of our own, which is always retained (see
 * {@link Retention#retains}) and is set before the first snapshot, so it is part of every snapshot
 * and never reported as a leftover.
 *
 * <p>Two copies of hygiene-core can share a thread (an agent's on the boot class path and an
 * application's own, or one per web application): each has its own {@code STATE}, and a scope of
 * one copy sees the other's entry appear or change. Retention recognises that entry by the class
 * of its key, {@link HygieneState}, whose simple binary name {@value #STATE_CLASS_SUFFIX} ends the
 * class name in every copy, relocated ones included; so no copy removes, restores or reports
 * another's state.
 */
public final class Worker {

    static final ThreadLocal<Worker> STATE = new HygieneState();

    /**
     * The field of a {@link HygienicThread} that carries its state, reached from this package.
     * {@code HygienicThread} is in the public package and keeps the field package-private; its
     * class initialiser hands this package the one accessor, as the JDK's {@code SharedSecrets}
     * do. Set before any {@code HygienicThread} exists, since building one initialises the class.
     */
    private static ThreadField threadField;

    /**
     * Reads and writes the state field of a {@link HygienicThread}; implemented by that class
     * alone, see {@link #install(ThreadField)}.
     */
    public interface ThreadField {
        /**
         * The state of {@code thread}.
         *
         * @param thread a hygienic thread, the current one
         * @return its state, or null before its first scope
         */
        Worker get(HygienicThread thread);

        /**
         * Gives {@code thread} its state.
         *
         * @param thread a hygienic thread, the current one
         * @param worker its new state
         */
        void set(HygienicThread thread, Worker worker);
    }

    /**
     * Installs the accessor of {@link HygienicThread}'s state field; called by that class's
     * initialiser, once. Later calls are ignored.
     *
     * @param field the accessor
     */
    public static synchronized void install(ThreadField field) {
        if (threadField == null) {
            threadField = field;
        }
    }

    /** How the class name of every copy's {@link HygieneState} ends. */
    static final String STATE_CLASS_SUFFIX = ".Worker$HygieneState";

    /** The type of {@link #STATE}: what makes hygiene's own entry recognisable by any copy. */
    static final class HygieneState extends ThreadLocal<Worker> {
    }

    /** Whether {@code type} is the {@link HygieneState} of this or of another copy of hygiene-core. */
    static boolean isStateType(Class<?> type) {
        return type.getName().endsWith(STATE_CLASS_SUFFIX);
    }

    final Thread thread;
    private Frame[] frames = new Frame[2];
    /** This thread's tallies, the most recently used first; see {@link #tally}. */
    private final Tally[] tallies = new Tally[TALLIES];
    private static final int TALLIES = 4;
    /** Scopes a thread closes on the stats' shared counters before it keeps tallies of its own. */
    static final int SCOPES_BEFORE_TALLIES = 16;
    private int scopesWithoutTally;
    /** The number of open scopes. */
    int depth;
    /** Whether {@link Engine#enterOutermost} settled what this thread inherited. */
    boolean startedClean;
    /**
     * Leftover types first seen while scopes were open, to log once the thread is out of every
     * scope (see {@link Report}); null when there are none.
     */
    private List<PendingLog> pendingLog;

    /** A first occurrence that {@code stats} is to log. */
    record PendingLog(Stats stats, Leftover leftover) {
    }

    private Worker(Thread thread) {
        this.thread = thread;
    }

    static Worker current() {
        Thread thread = Thread.currentThread();
        if (thread instanceof HygienicThread) {
            HygienicThread own = (HygienicThread) thread;
            ThreadField field = threadField;
            Worker worker = field.get(own);
            if (worker == null) {
                field.set(own, worker = new Worker(thread));
            }
            return worker;
        }
        Worker worker = STATE.get();
        if (worker == null) {
            worker = new Worker(thread);
            STATE.set(worker);
        }
        return worker;
    }

    /**
     * This thread's state if it has any, without creating it: a raw probe of the thread's map, as
     * {@code ThreadLocal.get()} would put an entry in it.
     */
    static Worker existing() {
        Thread thread = Thread.currentThread();
        if (thread instanceof HygienicThread) {
            return threadField.get((HygienicThread) thread);
        }
        Object map = JdkAccess.map(thread, false);
        Object[] tab = map == null ? null : JdkAccess.table(map);
        if (tab == null) {
            return null;
        }
        int mask = tab.length - 1;
        for (int i = JdkAccess.hash(STATE) & mask; tab[i] != null; i = (i + 1) & mask) {
            @SuppressWarnings("unchecked")
            Reference<Object> entry = (Reference<Object>) tab[i];
            if (entry.refersTo(STATE)) {
                return (Worker) JdkAccess.value(entry);
            }
        }
        return null;
    }

    /**
     * The innermost open frame of {@code hygiene} opened by {@link dev.hygiene.core.ThreadHygiene#beforeTask}, or -1.
     */
    int hookedDepth(Engine hygiene) {
        for (int d = depth - 1; d >= 0; d--) {
            if (frames[d].openedByHook(hygiene)) {
                return d;
            }
        }
        return -1;
    }

    /**
     * After an auditing scope at {@code depth} closed and left the thread as its task left it, the
     * auditing scopes below it take the thread as it is now for their baseline, so that what the
     * inner task left is counted once, by that task. Auditing scopes never restore, so their
     * snapshot serves counting only. The walk stops at the first enforcing scope: it will restore
     * its own snapshot, and the scopes below it must still compare against theirs.
     */
    void rebaseAuditingFramesBelow(int depth) {
        for (int d = depth - 1; d >= 0; d--) {
            Frame frame = frames[d];
            if (frame.enforcing()) {
                return;
            }
            frame.rebase();
        }
    }

    /** Closes the open frames from the innermost down to the one at {@code bottom}, that one included. */
    void closeDownTo(int bottom) {
        for (int d = depth - 1; d >= bottom; d--) {
            frames[d].close();
        }
    }

    /**
     * This thread's tally of {@code stats}, or null while the thread has closed fewer than
     * {@value #SCOPES_BEFORE_TALLIES} scopes without one: a thread that runs one task and ends (a
     * thread per task, virtual threads among them) counts on the stats' shared counters and never
     * registers a tally. A thread keeps the tallies of the last {@value #TALLIES} hygienes it ran: a
     * pool's worker runs one, and one that cycles through more only pays for a new tally when it
     * comes back to an evicted one, which the stats fold in.
     */
    Tally tally(Stats stats) {
        Tally first = tallies[0];
        if (first != null && first.stats == stats) {
            return first;
        }
        return otherTally(stats);
    }

    private Tally otherTally(Stats stats) {
        Tally[] tallies = this.tallies;
        int i = 1;
        while (i < TALLIES - 1 && tallies[i] != null && tallies[i].stats != stats) {
            i++;
        }
        Tally tally = tallies[i];
        if (tally == null || tally.stats != stats) {
            if (scopesWithoutTally < SCOPES_BEFORE_TALLIES) {
                scopesWithoutTally++;
                return null;
            }
            if (tally != null) {
                tally.retire();
            }
            tally = stats.newTally();
        }
        System.arraycopy(tallies, 0, tallies, 1, i);
        tallies[0] = tally;
        return tally;
    }

    Frame frame(int depth) {
        return frames[depth];
    }

    void logLater(Stats stats, Leftover first) {
        if (pendingLog == null) {
            pendingLog = new ArrayList<>(2);
        }
        pendingLog.add(new PendingLog(stats, first));
    }

    boolean hasPendingLog() {
        return pendingLog != null;
    }

    List<PendingLog> takePendingLog() {
        List<PendingLog> pending = pendingLog;
        pendingLog = null;
        return pending;
    }

    /** Opens the next frame for {@code hygiene}; the caller captures the snapshot. */
    Frame push(Engine hygiene, Class<?> taskType, boolean hooked, boolean enforce) {
        int d = depth;
        if (d == frames.length) {
            frames = Arrays.copyOf(frames, d * 2);
        }
        Frame frame = frames[d];
        if (frame == null) {
            frames[d] = frame = new Frame(this, d);
        }
        depth = d + 1;
        frame.open(hygiene, taskType, hooked, enforce);
        return frame;
    }
}
