package dev.hygiene.core.internal;

import dev.hygiene.core.Mode;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The JFR event {@value #NAME}: one {@link Leftover}, committed when a scope closes or when
 * {@link dev.hygiene.core.ThreadHygiene#startClean} settles a new thread. Enabled by default, so the JDK's
 * {@code default} and {@code profile} settings record it; see {@link LeftoverEvents}.
 *
 * <p>Only {@link LeftoverEvents} touches this class, so that nothing else in hygiene-core needs
 * the module {@code jdk.jfr}. Without a stack trace: the stack at commit is hygiene's own closing
 * code, while {@link #taskType} names the code that left the entry.
 */
@Name(LeftoverEvent.NAME)
@Label("Thread-local leftover")
@Category({"hygiene"})
@Description("Something a task left on its pooled worker thread: a ThreadLocal entry it added, "
        + "replaced or removed, a stale entry, or a change of the thread's name, priority, context "
        + "class loader or uncaught-exception handler. In ENFORCE mode hygiene undid it; in AUDIT mode "
        + "it stays for the next task.")
@StackTrace(false)
final class LeftoverEvent extends Event {

    /** The event's name, as {@code jfr print --events} takes it. */
    static final String NAME = "dev.hygiene.Leftover";

    @Label("Hygiene")
    @Description("The name of the hygiene's policy")
    String hygiene;

    @Label("Mode")
    @Description("ENFORCE (undone) or AUDIT (left for the next task)")
    String mode;

    @Label("Kind")
    @Description("ADDED, CHANGED, REMOVED, STALE or THREAD_STATE")
    String kind;

    @Label("Task Type")
    @Description("The class of the task that left it; <thread creation> for a value a new thread inherited")
    String taskType;

    @Label("ThreadLocal Type")
    @Description("The class of the ThreadLocal, <collected> for a stale entry, or the Thread property "
            + "that changed, such as Thread.contextClassLoader")
    String localType;

    @Label("Value Type")
    @Description("The class of the value left (for REMOVED, of the value removed); null for a null value")
    String valueType;

    @Label("Inheritable")
    @Description("Whether the entry is in the thread's inheritable map")
    boolean inheritable;

    @Label("Worker")
    @Description("The name of the worker thread before the task, when the policy restores thread state; "
            + "otherwise as the task left it")
    String worker;

    @Label("Worker Id")
    @Description("The id of the worker thread")
    long workerId;
}
