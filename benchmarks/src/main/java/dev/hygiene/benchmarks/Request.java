package dev.hygiene.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One short request, the task of {@link PoolBenchmark}: it puts its context in a thread-local, as a
 * servlet filter or an RPC interceptor does, then works for about 100 ns ({@link #work()}).
 *
 * <p>What it leaves behind is the point of the comparison. A request that {@linkplain #removeInFinally
 * removes its context in {@code finally}} cleans up after itself. Any other leaves its context on the
 * worker, where the next task on that worker would find it, unless the executor cleans up: hygiene's
 * restore, TTL's restore, a wipe of both maps, or a thread that is never reused.
 *
 * <p>A request holds itself as its context, so no request allocates anything of its own: whatever a
 * peer allocates per task is the peer's.
 */
final class Request implements Runnable {

    /**
     * {@link Blackhole#consumeCPU(long)} tokens of {@link #work()}: about 100 ns of work on the machine
     * of RESULTS.md, the "about 90 ns" of DESIGN.md. {@link PoolBenchmark#taskWork()} measures it on
     * the machine at hand.
     */
    static final long WORK_TOKENS = 64;

    private final ThreadLocal<Object> context;
    private final boolean removeInFinally;
    /** The batch this request counts down when it ends, or null for a lone submit. */
    private final Batch batch;

    /**
     * @param context the thread-local that holds a request's context on the worker, or null for a
     *        request that touches no thread-local
     * @param removeInFinally whether the request removes its context in {@code finally}, as a careful
     *        developer writes it; otherwise it leaves it on the worker
     * @param batch the batch to count down when the request ends, or null
     */
    Request(ThreadLocal<Object> context, boolean removeInFinally, Batch batch) {
        this.context = context;
        this.removeInFinally = removeInFinally;
        this.batch = batch;
    }

    @Override
    public void run() {
        ThreadLocal<Object> context = this.context;
        if (context == null) {
            work();
        } else if (removeInFinally) {
            context.set(this);
            try {
                work();
            } finally {
                context.remove();
            }
        } else {
            context.set(this);
            work();
        }
        if (batch != null) {
            batch.done();
        }
    }

    /** The request's own work: about 100 ns of computation that the JIT cannot remove. */
    static void work() {
        Blackhole.consumeCPU(WORK_TOKENS);
    }

    /**
     * The requests of one batch in flight: the benchmark thread {@linkplain #start starts} a batch,
     * submits its requests, and {@linkplain #await awaits} the last one. A request counts down when its
     * own code ends, before the executor's after-task hook (hygiene's restore, TTL's restore, the wipe)
     * runs on its worker: so the after-task hooks of the last request or two of a batch overlap the
     * submission of the next batch, as they would in a server.
     */
    static final class Batch {

        private static final long TIMEOUT_SECONDS = 30;

        private volatile CountDownLatch latch;

        void start(int requests) {
            latch = new CountDownLatch(requests);
        }

        void done() {
            latch.countDown();
        }

        /**
         * Waits for every request of the batch.
         *
         * @throws IllegalStateException if they did not all run within 30 s: the executor lost tasks
         */
        void await() throws InterruptedException {
            CountDownLatch latch = this.latch;
            if (!latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException(latch.getCount() + " requests of the batch had not run after "
                        + TIMEOUT_SECONDS + " s: the executor lost them");
            }
        }
    }
}
