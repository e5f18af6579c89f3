package dev.hygiene.examples;

import dev.hygiene.core.ThreadHygiene;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The README's first example: a forgotten ThreadLocal does not reach the next task. */
public final class QuickStart {

    private QuickStart() {
    }

    /**
     * Runs the example and prints what the second task saw.
     *
     * @param args ignored
     * @throws Exception if a task fails
     */
    public static void main(String[] args) throws Exception {
        // README:quickstart
        ThreadLocal<String> user = new ThreadLocal<>();
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        ExecutorService pool = Executors.newFixedThreadPool(1);

        pool.submit(hygiene.wrap(() -> user.set("alice"))).get();   // forgets user.remove()
        String seen = pool.submit(hygiene.wrap(user::get)).get();   // the same worker thread

        System.out.println("second task saw: " + seen);              // null: alice is gone
        System.out.print(hygiene.stats().report());                  // who left what
        pool.shutdown();
        // README:end
    }
}
