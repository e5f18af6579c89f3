package dev.hygiene.core.internal;

import java.lang.ref.Cleaner;

/**
 * A hygiene's registered MBean: its object name and the cleaning action that unregisters it, run
 * by {@link dev.hygiene.core.ThreadHygiene#release()} or, at the latest, by the cleaner once the
 * hygiene is collected. Refers to no {@code javax.management} type, so that a JVM without
 * {@code java.management} never has to load one to build a hygiene.
 */
public final class JmxRegistration {

    /** The first failure to register an MBean is logged at WARNING, later ones at DEBUG. */
    private static final FirstWarning FAILURES = new FirstWarning("later JMX failures are logged at DEBUG");
    /** Set when {@code java.management} turned out to be missing: no later hygiene tries again. */
    private static volatile boolean jmxUnavailable;

    private final String name;
    private final Cleaner.Cleanable unregister;
    private volatile boolean released;

    JmxRegistration(String name, Cleaner.Cleanable unregister) {
        this.name = name;
        this.unregister = unregister;
    }

    /**
     * Registers the MBean of a hygiene, if JMX can be used; never throws (but for the JVM's own
     * errors). {@link HygieneMBeans} is only loaded here, so that a JVM without
     * {@code java.management} fails to link it here and nowhere else.
     *
     * @return the registration, or null
     */
    static JmxRegistration register(Object owner, String name, LiveMode mode, Stats stats) {
        if (jmxUnavailable) {
            return null;
        }
        try {
            return HygieneMBeans.register(owner, name, mode, stats);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            boolean missing = e instanceof LinkageError;
            if (missing) {
                jmxUnavailable = true;
            }
            FAILURES.log("hygiene '" + name + "' works without its MBean: registering it in the platform MBean "
                    + "server failed with " + e
                    + (missing ? "; JMX cannot be used in this JVM (is the java.management module left out, as by "
                            + "--limit-modules, or not resolved on the module path?), so no hygiene will try it again" : "")
                    + ". HygienePolicy.builder().jmx(false) turns JMX off", missing ? null : e);
            return null;
        }
    }

    /**
     * The object name registered, such as {@code dev.hygiene:type=ThreadHygiene,name=workers}.
     *
     * @return the name as a string
     */
    public String name() {
        return name;
    }

    /**
     * Whether {@link #release()} was called.
     *
     * @return true once released
     */
    public boolean released() {
        return released;
    }

    /** Unregisters the MBean; the cleaning action runs at most once, whoever calls it first. */
    public void release() {
        released = true;
        unregister.clean();
    }
}
