package dev.hygiene.core.internal;

import dev.hygiene.core.ThreadHygieneMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.Cleaner;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers the {@link ThreadHygieneMXBean} of a {@link dev.hygiene.core.ThreadHygiene} in the platform MBean server
 * and unregisters it when the hygiene has been collected.
 *
 * <p>The only class of hygiene-core that refers to {@code java.management}. It is loaded on demand,
 * by the first hygiene whose policy asks for JMX, so a JVM without that module (started with
 * {@code --limit-modules java.base}, say) runs hygiene as long as no policy asks; and when one does,
 * {@link dev.hygiene.core.ThreadHygiene} catches the {@code LinkageError} and carries on without an MBean.
 *
 * <p>The registered object, a {@link Bean}, holds the hygiene's {@link Stats}, its {@link LiveMode}
 * and its name, never the hygiene: the MBean server must not keep a hygiene (or, through it, its retained thread-locals
 * and listener) alive. A {@link Cleaner} unregisters the MBean once the hygiene is phantom
 * reachable.
 */
final class HygieneMBeans {

    static final String DOMAIN = "dev.hygiene";
    static final String TYPE = "ThreadHygiene";

    /** Started on first use, with this class; its thread ends when nothing is left to clean. */
    private static final Cleaner CLEANER = Cleaner.create();

    private HygieneMBeans() {
    }

    /**
     * Registers the MBean of {@code owner} under {@code name}, or under the first free of
     * {@code name-2}, {@code name-3}, ..., and arranges its unregistration when {@code owner} is
     * collected.
     *
     * @return the object name registered, as a string
     * @throws JMException if the MBean server refuses the MBean for another reason than a taken name
     */
    static JmxRegistration register(Object owner, String name, LiveMode mode, Stats stats) throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Bean bean = new Bean(name, mode, stats);
        for (int n = 1; ; n++) {
            ObjectName objectName = objectName(n == 1 ? name : name + "-" + n);
            try {
                server.registerMBean(bean, objectName);
            } catch (InstanceAlreadyExistsException taken) {
                continue;
            }
            Cleaner.Cleanable unregister = CLEANER.register(owner, new Unregister(server, objectName));
            return new JmxRegistration(objectName.toString(), unregister);
        }
    }

    /** {@code dev.hygiene:type=ThreadHygiene,name=<name>}, with the name quoted if it must be. */
    static ObjectName objectName(String name) throws JMException {
        String value = needsQuotes(name) ? ObjectName.quote(name) : name;
        return new ObjectName(DOMAIN + ":type=" + TYPE + ",name=" + value);
    }

    /** Whether {@code name} has a character that an unquoted {@code ObjectName} value cannot hold as is. */
    static boolean needsQuotes(String name) {
        for (int i = 0; i < name.length(); i++) {
            switch (name.charAt(i)) {
                case ',':
                case '=':
                case ':':
                case '"':
                case '*':
                case '?':
                case '\n':
                    return true;
                default:
                    break;
            }
        }
        return false;
    }

    /** Unregisters one MBean; run by {@link #CLEANER} once its hygiene is unreachable. */
    private static final class Unregister implements Runnable {
        private final MBeanServer server;
        private final ObjectName name;

        Unregister(MBeanServer server, ObjectName name) {
            this.server = server;
            this.name = name;
        }

        @Override
        public void run() {
            try {
                server.unregisterMBean(name);
            } catch (InstanceNotFoundException alreadyGone) {
                // someone unregistered it by hand; nothing left to do
            } catch (JMException | RuntimeException e) {
                LeftoverLog.LOGGER.log(System.Logger.Level.DEBUG,
                        "cannot unregister " + name + " after its hygiene was released or collected", e);
            }
        }
    }

    /**
     * The registered MBean: live views of one hygiene's stats. Public methods of a class that is not
     * public; the MBean server finds them through {@link ThreadHygieneMXBean}.
     */
    static final class Bean implements ThreadHygieneMXBean {
        private final String name;
        private final LiveMode mode;
        private final Stats stats;

        Bean(String name, LiveMode mode, Stats stats) {
            this.name = name;
            this.mode = mode;
            this.stats = stats;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getMode() {
            return mode.get().name();
        }

        @Override
        public void setMode(String mode) {
            this.mode.switchTo(LiveMode.parse(mode));
        }

        @Override
        public long getTasks() {
            return stats.tasks();
        }

        @Override
        public long getTasksWithLeftovers() {
            return stats.tasksWithLeftovers();
        }

        @Override
        public long getLeftovers() {
            return stats.leftovers();
        }

        @Override
        public long getStaleExpunged() {
            return stats.staleExpunged();
        }

        @Override
        public Map<String, Long> getTopLeftoverTypes() {
            return top(stats.leftoversByType(), TOP_LEFTOVER_TYPES);
        }

        @Override
        public String getReport() {
            return stats.report();
        }
    }

    /** The first {@code limit} rows of {@code sorted}, in its order. */
    static Map<String, Long> top(Map<String, Long> sorted, int limit) {
        Map<String, Long> top = new LinkedHashMap<>();
        Iterator<Map.Entry<String, Long>> rows = sorted.entrySet().iterator();
        while (top.size() < limit && rows.hasNext()) {
            Map.Entry<String, Long> row = rows.next();
            top.put(row.getKey(), row.getValue());
        }
        return Collections.unmodifiableMap(top);
    }
}
