package dev.hygiene.core;

import java.lang.ref.Cleaner;

/**
 * A hygiene's registered MBean: its object name and the cleaning action that unregisters it, run
 * by {@link ThreadHygiene#release()} or, at the latest, by the cleaner once the hygiene is
 * collected. Refers to no {@code javax.management} type, so that a JVM without
 * {@code java.management} never has to load one to build a hygiene.
 */
final class JmxRegistration {

    private final String name;
    private final Cleaner.Cleanable unregister;
    private volatile boolean released;

    JmxRegistration(String name, Cleaner.Cleanable unregister) {
        this.name = name;
        this.unregister = unregister;
    }

    String name() {
        return name;
    }

    boolean released() {
        return released;
    }

    /** Unregisters the MBean; the cleaning action runs at most once, whoever calls it first. */
    void release() {
        released = true;
        unregister.clean();
    }
}
