package dev.hygiene.agent;

import java.lang.instrument.Instrumentation;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Another agent, listed before hygiene's: its {@code premain} runs a task on a
 * {@code ThreadPoolExecutor} and on a {@code ForkJoinPool}, so that both run loops are loaded, linked
 * and have run before hygiene's agent starts. Hygiene's agent must then retransform them in place.
 * AgentIT packages it as a jar of one manifest; the class itself comes from the test class path.
 */
public final class PreloadAgent {

    private PreloadAgent() {
    }

    /**
     * Runs one task on each kind of pool, then shuts them down.
     *
     * @param options ignored
     * @param instrumentation ignored: this agent transforms nothing
     * @throws Exception if a task does not finish within a minute
     */
    public static void premain(String options, Instrumentation instrumentation) throws Exception {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        pool.submit(() -> { }).get(1, TimeUnit.MINUTES);
        pool.shutdown();
        ForkJoinPool forkJoin = new ForkJoinPool(1);
        forkJoin.submit(() -> { }).get(1, TimeUnit.MINUTES);
        forkJoin.shutdown();
        System.err.println("preload-agent: ran " + pool.getCompletedTaskCount() + " task before hygiene's agent");
    }
}
