package org.jboss.threads;

/**
 * Not jboss-threads: a class under the name of one of the agent's targets whose run loop has an
 * unexpected shape (two task calls where the agent expects one), to prove that the agent leaves
 * such a target alone, says so, and the application still runs.
 */
public final class EnhancedQueueExecutor$ThreadBody {

    private final Runnable first;
    private final Runnable second;

    public EnhancedQueueExecutor$ThreadBody(Runnable first, Runnable second) {
        this.first = first;
        this.second = second;
    }

    public void run() {
        first.run();
        second.run();
    }
}
