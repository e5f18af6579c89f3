package dev.hygiene.examples;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.Mode;
import dev.hygiene.core.ThreadHygiene;

/** The README's configuration example: a named audit policy that retains Jackson's caches. */
public final class PolicyExample {

    private PolicyExample() {
    }

    /**
     * Builds the README's policy and audits one leaky task with it.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        // README:policy
        HygienePolicy policy = HygienePolicy.builder()
            .name("http-workers")                  // shows in reports
            .mode(Mode.AUDIT)                      // ENFORCE unless said otherwise
            .retainTypes("com.fasterxml.jackson.") // leave these alone
            .inheritable(true)                     // also the InheritableThreadLocal map (default)
            .restoreThreadState(true)              // name, priority, context loader, handler (default)
            .onLeftovers((worker, leftovers) -> System.err.println(worker.getName() + " " + leftovers))
            .build();
        ThreadHygiene hygiene = ThreadHygiene.of(policy);
        // README:end

        ThreadLocal<String> tenant = new ThreadLocal<>();
        hygiene.wrap(() -> tenant.set("acme")).run();
        System.out.print(hygiene.stats().report());
        tenant.remove();
    }
}
