package dev.hygiene.core.internal;

import dev.hygiene.core.Leftover;
import dev.hygiene.core.Mode;
import dev.hygiene.core.TaskScope;
import java.util.List;

/**
 * One scope on one thread at one nesting depth: the snapshot taken by {@link dev.hygiene.core.ThreadHygiene#enter}
 * and the {@link TaskScope} handed out for it. Reused by every scope at its depth on its thread.
 *
 * <p>Implementation overview: the path of one task.
 * <ol>
 * <li><b>enter</b> ({@link dev.hygiene.core.ThreadHygiene#enter}, {@link dev.hygiene.core.ThreadHygiene#beforeTask}): the worker
 *     pushes this frame and {@link #open opens} it for the hygiene and task type;
 * <li><b>capture</b> ({@link #capture}): the two {@link MapSnapshot}s mirror the thread's maps and
 *     the thread state is noted;
 * <li>the task runs;
 * <li><b>close</b> ({@link #close}, {@link #finish}, {@link #closeQuietly}): the cheap comparison
 *     ({@link MapSnapshot#unchanged}, {@link #threadStateChanged}) decides between two ways out:
 *     <ul>
 *     <li><b>untouched</b>: pop and count the task, nothing else;
 *     <li><b>settle</b> ({@link #settle}): each snapshot restores (ENFORCE) or measures (AUDIT) its
 *         map and writes what it found into {@link #findings}; the thread state likewise; then pop;
 *     </ul>
 * <li><b>report</b> ({@link Report#scopeClosed}): once the thread is settled, the findings are read
 *     once and fanned out to the stats, the listener, JFR and the caller of {@code finish()};
 *     first occurrences wait in the {@link Worker} until the thread is out of every scope and are
 *     then logged.
 * </ol>
 *
 * <p>Mutable state and its lifecycle, in the manner of {@code ThreadPoolExecutor}'s {@code ctl}:
 * only the owning thread reads or writes any of it.
 * <ul>
 * <li>{@link #open}: false while the frame is free (never used, or popped); set by {@code open},
 *     cleared by {@code pop}. Every close checks it first, so a scope closed twice is rejected.
 * <li>{@link #hygiene}: the hygiene of the current or last scope at this depth; kept after the
 *     pop, so that a pool's worker (one hygiene, depth 0) never rewrites it.
 * <li>{@link #taskType}: the class leftovers are charged to; set by {@code open}, cleared by
 *     {@code pop} so that no task class is pinned between tasks.
 * <li>{@link #hooked}: whether {@code beforeTask} opened it, so {@code afterTask} finds it.
 * <li>the snapshots and the thread state ({@link #contextLoader}, {@link #name}, {@link #priority},
 *     {@link #handler}): written by {@code capture}, compared and restored by the close. At depth
 *     0 they stay after the pop and mirror the thread, so that the next capture finds nothing to
 *     write; at other depths the pop releases them, since a nested frame may not be used again
 *     for a long time.
 * <li>{@link #findings}: empty but while a close settles and reports.
 * </ul>
 * Fields are written only when their value changes: each reference store into a long-lived
 * object costs a GC write barrier.
 */
final class Frame implements TaskScope {

    private final Worker worker;
    private final int depth;
    private final MapSnapshot locals = new MapSnapshot(false);
    private final MapSnapshot inheritables = new MapSnapshot(true);
    private final Findings findings = new Findings();

    private Engine hygiene;
    /** Whether this scope enforces: the hygiene's mode as the scope opened, kept until it closes. */
    private boolean enforce;
    private Class<?> taskType;
    private boolean open;
    /** Opened by {@link dev.hygiene.core.ThreadHygiene#beforeTask}, to be closed by {@link dev.hygiene.core.ThreadHygiene#afterTask}. */
    private boolean hooked;

    private ClassLoader contextLoader;
    private String name;
    private int priority;
    private Thread.UncaughtExceptionHandler handler;

    Frame(Worker worker, int depth) {
        this.worker = worker;
        this.depth = depth;
    }

    void open(Engine hygiene, Class<?> taskType, boolean hooked, boolean enforce) {
        if (this.hygiene != hygiene) {
            switchTo(hygiene);
        }
        if (this.enforce != enforce) {
            this.enforce = enforce;
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
        return enforce;
    }

    boolean openedByHook(Engine h) {
        return open && hooked && hygiene == h;
    }

    /** A hygiene with other settings takes over: drop what only the previous one snapshotted. */
    private void switchTo(Engine next) {
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

    /** The capture phase: mirrors the thread's maps and notes its state. */
    void capture() {
        Thread thread = worker.thread;
        Engine h = hygiene;
        boolean enforce = this.enforce;
        Frame enclosing = depth > 0 ? worker.frame(depth - 1) : null;
        locals.capture(thread, enforce, enclosing == null ? null : enclosing.locals);
        if (h.inheritable) {
            inheritables.capture(thread, enforce, enclosing == null ? null : enclosing.inheritables);
        }
        if (h.threadState) {
            captureThreadState(thread);
        }
    }

    /**
     * An auditing scope's capture after a scope nested in it closed: it takes the thread as the
     * inner task left it, see {@link Worker#rebaseAuditingFramesBelow}.
     */
    void rebase() {
        Thread thread = worker.thread;
        locals.rebase(thread);
        if (hygiene.inheritable) {
            inheritables.rebase(thread);
        }
        if (hygiene.threadState) {
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
        requireInnermostOpen();
        closeOpen(false);
    }

    @Override
    public List<Leftover> finish() {
        requireInnermostOpen();
        List<Leftover> found = closeOpen(true);
        return found == null ? List.of() : found;
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

    /** The check of {@code close()} and {@code finish()}: this scope is open, innermost, on its thread. */
    private void requireInnermostOpen() {
        Worker w = worker;
        if (Thread.currentThread() != w.thread || !open || w.depth != depth + 1) {
            throw misuse(w);
        }
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

    /**
     * Closes this open, innermost scope: the untouched way out or the settle, then the report.
     * Returns the leftovers when {@code collect} asks for them and there are any, else null.
     */
    private List<Leftover> closeOpen(boolean collect) {
        Worker w = worker;
        Engine h = hygiene;
        Thread thread = w.thread;
        boolean localsChanged = !locals.unchanged(thread);
        boolean inheritablesChanged = h.inheritable && !inheritables.unchanged(thread);
        boolean stateChanged = h.threadState && threadStateChanged(thread);
        List<Leftover> found = null;
        if (localsChanged || inheritablesChanged || stateChanged) {
            found = closeChanged(h, thread, localsChanged, inheritablesChanged, stateChanged, collect);
        } else {
            pop(w);
            h.stats.taskClosed(w.tally(h.stats), null, 0, 0);
        }
        if (depth == 0 && w.hasPendingLog()) {
            Report.pendingLog(w);
        }
        return found;
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

    /** The task changed something: settle the thread, pop, then report what was found. */
    private List<Leftover> closeChanged(Engine h, Thread thread, boolean localsChanged,
            boolean inheritablesChanged, boolean stateChanged, boolean collect) {
        Class<?> task = taskType;
        // The worker's name before the task, when the policy covers thread state; pop clears it.
        String workerName = name;
        try {
            settle(h, thread, localsChanged, inheritablesChanged, stateChanged);
        } catch (Throwable e) {
            findings.clear();
            throw e;
        } finally {
            pop(worker);
        }
        if (!enforce && depth > 0) {
            worker.rebaseAuditingFramesBelow(depth);
        }
        return Report.scopeClosed(h, enforce ? Mode.ENFORCE : Mode.AUDIT, worker, thread, workerName, task, findings, collect);
    }

    private boolean threadStateChanged(Thread thread) {
        return JdkAccess.contextLoader(thread) != contextLoader || thread.getName() != name
                || thread.getPriority() != priority || JdkAccess.uncaughtHandler(thread) != handler;
    }

    /**
     * The settle phase: restores (ENFORCE) or measures (AUDIT) what changed, writing what it finds
     * into {@link #findings}; at depth 0, leaves the snapshots mirroring the thread again, so that
     * the next task starts on the untouched path.
     */
    private void settle(Engine h, Thread thread, boolean localsChanged, boolean inheritablesChanged,
            boolean stateChanged) {
        boolean enforce = this.enforce;
        boolean localsMirrored = localsChanged && locals.settle(thread, enforce, h.retention, findings);
        boolean inheritablesMirrored = inheritablesChanged
                && inheritables.settle(thread, enforce, h.retention, findings);
        if (stateChanged) {
            settleThreadState(thread, enforce);
        }
        if (depth == 0) {
            if (localsChanged && !localsMirrored) {
                locals.capture(thread, enforce, null);
            }
            if (inheritablesChanged && !inheritablesMirrored) {
                inheritables.capture(thread, enforce, null);
            }
            if (stateChanged && !enforce) {
                captureThreadState(thread);
            }
        }
    }

    private void settleThreadState(Thread thread, boolean enforce) {
        ClassLoader loader = JdkAccess.contextLoader(thread);
        if (loader != contextLoader) {
            findings.threadState("Thread.contextClassLoader", loader);
            if (enforce) {
                JdkAccess.setContextLoader(thread, contextLoader);
            }
        }
        String n = thread.getName();
        if (n != name) {
            // A new String with the same characters is no change worth reporting.
            if (!n.equals(name)) {
                findings.threadState("Thread.name", n);
            }
            if (enforce) {
                thread.setName(name);
            }
        }
        int p = thread.getPriority();
        if (p != priority) {
            findings.threadState("Thread.priority", p);
            if (enforce) {
                thread.setPriority(priority);
            }
        }
        Thread.UncaughtExceptionHandler ueh = JdkAccess.uncaughtHandler(thread);
        if (ueh != handler) {
            findings.threadState("Thread.uncaughtExceptionHandler", ueh);
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

    @Override
    public String toString() {
        return "TaskScope[" + (open ? "open" : "closed") + ", depth " + depth + ", " + worker.thread.getName() + "]";
    }
}
