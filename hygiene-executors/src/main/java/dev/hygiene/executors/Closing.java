package dev.hygiene.executors;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** {@code ExecutorService.close()} for the decorators, on JDK 17 (where it is missing) and later. */
final class Closing {

    private Closing() {
    }

    /**
     * Closes {@code executor}: with its own {@code close()} where it has one (JDK 19 and later);
     * otherwise by {@code shutdown()} and waiting for termination, as JDK 19's {@code close()}
     * does, calling {@code shutdownNow()} once if interrupted and keeping the interrupt.
     */
    static void close(ExecutorService executor) {
        if (executor instanceof AutoCloseable) {
            try {
                ((AutoCloseable) executor).close();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("closing " + executor + " failed", e);
            }
            return;
        }
        boolean interrupted = false;
        executor.shutdown();
        while (!executor.isTerminated()) {
            try {
                executor.awaitTermination(1L, TimeUnit.DAYS);
            } catch (InterruptedException e) {
                if (!interrupted) {
                    executor.shutdownNow();
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
