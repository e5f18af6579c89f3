package dev.hygiene.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * One scope on one thread at one nesting depth: the snapshot taken by {@link ThreadHygiene#enter}
 * and the {@link TaskScope} handed out for it. Reused by every scope at its depth on its thread.
 */
final class Frame implements TaskScope {

    private final Worker worker;
    private final int depth;
    private final MapSnapshot locals = new MapSnapshot(false);
    private final MapSnapshot inheritables = new MapSnapshot(true);

    private ThreadHygiene hygiene;
    private Class<?> taskType;
    private boolean open;
    /** Opened by {@link ThreadHygiene#beforeTask}, to be closed by {@link ThreadHygiene#afterTask}. */
    private boolean hooked;

    private ClassLoader contextLoader;
    private String name;
    private int priority;
    private Thread.UncaughtExceptionHandler handler;

    /**
     * Leftover types first seen in this scope or in scopes nested in it, to log when the outermost
     * scope has closed: logging runs code that may use thread-locals of its own, which no open
     * scope should count as its task's leftovers.
     */
    private List<FirstOccurrence> firsts;

    /** A leftover type that {@code stats} saw for the first time. */
    record FirstOccurrence(Stats stats, Leftover leftover) {
    }
    /**
     * What the closing task left, for the listener, the JFR events and {@link #finish()}; created
     * only when one of them wants it.
     */
    private List<Leftover> leftovers;
    /** Whether the closing task's leftovers are committed as JFR events; decided once per close. */
    private boolean recording;
    /** Whether the closing scope's caller wants its leftovers ({@link #finish()}); set while settling. */
    private boolean collecting;
    /** How many leftovers the closing task left. */
    private int leftoverCount;
    /** The stats row of the latest leftovers, and how many of them are not added to it yet. */
    private LongAdder pendingRow;
    private int pendingCount;
    /** Stale entries expunged while closing. */
    int staleExpunged;

    Frame(Worker worker, int depth) {
        this.worker = worker;
        this.depth = depth;
    }

    void open(ThreadHygiene hygiene, Class<?> taskType, boolean hooked) {
        if (this.hygiene != hygiene) {
            switchTo(hygiene);
        }
        if (this.taskType != taskType) {
            this.taskType = taskType;
        }
        if (this.hooked != hooked) {
            this.hooked = hooked;
        }
        this.open = true;
    }

    boolean enforcing() {
        return hygiene.enforce;
    }

    boolean openedByHook(ThreadHygiene h) {
        return open && hooked && hygiene == h;
    }

    /** A hygiene with other settings takes over: drop what only the previous one snapshotted. */
    private void switchTo(ThreadHygiene next) {
        if (!next.inheritable) {
            inheritables.release();
        }
        if (!next.threadState) {
            contextLoader = null;
            name = null;
            handler = null;
        }
        hygiene = next;
    }

    void capture() {
        Thread thread = worker.thread;
        ThreadHygiene h = hygiene;
        locals.capture(thread);
        if (h.inheritable) {
            inheritables.capture(thread);
        }
        if (h.threadState) {
            captureThreadState(thread);
        }
    }

    private void captureThreadState(Thread thread) {
        ClassLoader loader = JdkAccess.contextLoader(thread);
        if (contextLoader != loader) {
            contextLoader = loader;
        }
        String n = thread.getName();
        if (name != n) {
            name = n;
        }
        priority = thread.getPriority();
        Thread.UncaughtExceptionHandler ueh = JdkAccess.uncaughtHandler(thread);
        if (handler != ueh) {
            handler = ueh;
        }
    }

    @Override
    public void close() {
        Worker w = worker;
        if (Thread.currentThread() != w.thread || !open || w.depth != depth + 1) {
            throw misuse(w);
        }
        closeOpen(false);
    }

    @Override
    public List<Leftover> finish() {
        Worker w = worker;
        if (Thread.currentThread() != w.thread || !open || w.depth != depth + 1) {
            throw misuse(w);
        }
        List<Leftover> found = closeOpen(true);
        return found == null ? List.of() : List.copyOf(found);
    }

    @Override
    public void closeQuietly() {
        Worker w = worker;
        try {
            if (Thread.currentThread() != w.thread || !open) {
                QuietClose.misuse(misuse(w));
                return;
            }
            if (w.depth != depth + 1) {
                w.closeDownTo(depth);
            } else {
                closeOpen(false);
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            QuietClose.failed(this, e);
        }
    }

    /**
     * Closes this open, innermost scope. With {@code collect}, the leftovers are materialised and
     * returned (null when none); otherwise they are built only for a listener or JFR and null is
     * returned.
     */
    private List<Leftover> closeOpen(boolean collect) {
        Worker w = worker;
        ThreadHygiene h = hygiene;
        Thread thread = w.thread;
        boolean localsChanged = !locals.unchanged(thread);
        boolean inheritablesChanged = h.inheritable && !inheritables.unchanged(thread);
        boolean stateChanged = h.threadState && threadStateChanged(thread);
        if (localsChanged || inheritablesChanged || stateChanged) {
            return closeChanged(h, thread, localsChanged, inheritablesChanged, stateChanged, collect);
        }
        pop(w);
        h.stats.taskClosed(w.tally(h.stats), null, 0, 0);
        if (firsts != null) {
            passOnFirstOccurrences();
        }
        return null;
    }

    private IllegalStateException misuse(Worker w) {
        if (Thread.currentThread() != w.thread) {
            return new IllegalStateException("a TaskScope must be closed on the thread that entered it: entered on "
                    + w.thread + ", closed on " + Thread.currentThread());
        }
        if (!open) {
            return new IllegalStateException("this TaskScope is already closed; close each scope exactly once");
        }
        return new IllegalStateException("TaskScopes closed out of order: this scope is at depth " + depth
                + " but " + (w.depth - depth - 1) + " scope(s) entered after it on " + w.thread
                + " are still open; close scopes in reverse order of entering them");
    }

    private void pop(Worker w) {
        open = false;
        if (taskType != null) {
            taskType = null;
        }
        if (depth > 0) {
            release();
        }
        w.depth = depth;
    }

    /** The slow path: the task changed something, so restore or count it. */
    private List<Leftover> closeChanged(ThreadHygiene h, Thread thread, boolean localsChanged,
            boolean inheritablesChanged, boolean stateChanged, boolean collect) {
        List<Leftover> found;
        int count;
        int stale;
        Class<?> task = taskType;
        // The worker's name before the task, when the policy covers thread state; pop clears it.
        String workerName = name;
        recording = LeftoverEvents.isRecording();
        collecting = collect;
        try {
            settle(h, thread, localsChanged, inheritablesChanged, stateChanged);
        } finally {
            collecting = false;
            flushPendingRow();
            found = leftovers;
            count = leftoverCount;
            stale = staleExpunged;
            leftovers = null;
            leftoverCount = 0;
            staleExpunged = 0;
            pop(worker);
        }
        if (!h.enforce && depth > 0) {
            worker.rebaseAuditingFramesBelow(depth);
        }
        h.closed(worker.tally(h.stats), thread, task, h.listener == null ? null : found, count, stale);
        if (found != null && recording) {
            LeftoverEvents.commit(h.policy(), found, workerName != null ? workerName : thread.getName(),
                    thread.getId());
        }
        if (firsts != null) {
            passOnFirstOccurrences();
        }
        return found;
    }

    private boolean threadStateChanged(Thread thread) {
        return JdkAccess.contextLoader(thread) != contextLoader || thread.getName() != name
                || thread.getPriority() != priority || JdkAccess.uncaughtHandler(thread) != handler;
    }

    private void settle(ThreadHygiene h, Thread thread, boolean localsChanged, boolean inheritablesChanged,
            boolean stateChanged) {
        boolean enforce = h.enforce;
        boolean localsMirrored = localsChanged && locals.settle(thread, enforce, h.retention, this);
        boolean inheritablesMirrored = inheritablesChanged && inheritables.settle(thread, enforce, h.retention, this);
        if (stateChanged) {
            settleThreadState(thread, enforce);
        }
        if (depth == 0) {
            // Make the arrays mirror the map again, so the next task starts on the fast path.
            if (localsChanged && !localsMirrored) {
                locals.capture(thread);
            }
            if (inheritablesChanged && !inheritablesMirrored) {
                inheritables.capture(thread);
            }
            if (stateChanged && !enforce) {
                captureThreadState(thread);
            }
        }
    }

    private void settleThreadState(Thread thread, boolean enforce) {
        ClassLoader loader = JdkAccess.contextLoader(thread);
        if (loader != contextLoader) {
            threadState("Thread.contextClassLoader", loader);
            if (enforce) {
                JdkAccess.setContextLoader(thread, contextLoader);
            }
        }
        String n = thread.getName();
        if (n != name) {
            // A new String with the same characters is no change worth reporting.
            if (!n.equals(name)) {
                threadState("Thread.name", n);
            }
            if (enforce) {
                thread.setName(name);
            }
        }
        int p = thread.getPriority();
        if (p != priority) {
            threadState("Thread.priority", p);
            if (enforce) {
                thread.setPriority(priority);
            }
        }
        Thread.UncaughtExceptionHandler ueh = JdkAccess.uncaughtHandler(thread);
        if (ueh != handler) {
            threadState("Thread.uncaughtExceptionHandler", ueh);
            if (enforce) {
                JdkAccess.setUncaughtHandler(thread, handler);
            }
        }
    }

    private void release() {
        locals.release();
        inheritables.release();
        contextLoader = null;
        name = null;
        handler = null;
    }

    private void threadState(String property, Object value) {
        leftoverCount++;
        hygiene.stats.countThreadState(property, value == null ? null : value.getClass(), taskType, this);
        if (hygiene.listener != null || recording || collecting) {
            add(new Leftover(Leftover.Kind.THREAD_STATE, property, typeName(value), false, taskTypeName()));
        }
    }

    /**
     * Counts one leftover; {@code key} is null for a stale entry. {@link Leftover} objects are built
     * only for a listener or JFR events: the stats need just the pair of classes. An entry added
     * holding null is what a {@code get()} that found nothing leaves; it carries nothing to the next
     * task, so it is restored (removed) but not counted, or reading an unset context would look like
     * a leak.
     */
    void leftover(Leftover.Kind kind, ThreadLocal<?> key, Object value, boolean inheritable) {
        if (value == null && kind == Leftover.Kind.ADDED) {
            return;
        }
        leftoverCount++;
        LongAdder row = hygiene.stats.counter(key == null ? null : key.getClass(),
                value == null ? null : value.getClass(), kind, inheritable, taskType, this);
        if (row != pendingRow) {
            flushPendingRow();
            pendingRow = row;
        }
        pendingCount++;
        if (hygiene.listener != null || recording || collecting) {
            String localType = key == null ? Leftover.COLLECTED : key.getClass().getName();
            add(new Leftover(kind, localType, typeName(value), inheritable, taskTypeName()));
        }
    }

    /** Adds the leftovers counted for {@link #pendingRow}: one atomic add per run of a type, not one per leftover. */
    private void flushPendingRow() {
        if (pendingCount > 0) {
            pendingRow.add(pendingCount);
            pendingCount = 0;
        }
        pendingRow = null;
    }

    void firstOccurrence(Leftover first) {
        firstOccurrence(new FirstOccurrence(hygiene.stats, first));
    }

    private void firstOccurrence(FirstOccurrence first) {
        if (firsts == null) {
            firsts = new ArrayList<>(2);
        }
        firsts.add(first);
    }

    /** After popping: hands what this scope saw first to the scope below, or logs it from the outermost. */
    private void passOnFirstOccurrences() {
        List<FirstOccurrence> first = firsts;
        firsts = null;
        if (depth > 0) {
            Frame below = worker.frame(depth - 1);
            for (FirstOccurrence f : first) {
                below.firstOccurrence(f);
            }
        } else {
            for (FirstOccurrence f : first) {
                f.stats().logFirstOccurrence(f.leftover());
            }
        }
    }

    private void add(Leftover leftover) {
        if (leftovers == null) {
            leftovers = new ArrayList<>(4);
        }
        leftovers.add(leftover);
    }

    private String taskTypeName() {
        return TaskTypes.name(taskType);
    }

    private static String typeName(Object value) {
        return value == null ? null : value.getClass().getName();
    }

    @Override
    public String toString() {
        return "TaskScope[" + (open ? "open" : "closed") + ", depth " + depth + ", " + worker.thread.getName() + "]";
    }
}
