package dev.hygiene.examples;

import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.executors.HygienicExecutors;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The README's "wrap an existing executor" example. */
public final class WrapExample {

    private WrapExample() {
    }

    /**
     * Wraps a fixed pool and shows that a forgotten ThreadLocal does not reach the next task.
     *
     * @param args ignored
     * @throws Exception if a task fails
     */
    public static void main(String[] args) throws Exception {
        ThreadLocal<String> tenant = new ThreadLocal<>();
        // README:wrap
        ExecutorService pool = HygienicExecutors.wrap(Executors.newFixedThreadPool(4), ThreadHygiene.enforcing());
        // README:end
        try {
            for (int i = 0; i < 4; i++) {
                pool.submit(() -> tenant.set("acme")).get();   // forgets tenant.remove()
            }
            System.out.println("next task saw tenant: " + pool.submit(tenant::get).get());
        } finally {
            pool.shutdown();
        }
    }
}
