package dev.hygiene.spring.boot;

import dev.hygiene.core.Mode;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code hygiene.*} properties of {@link HygieneAutoConfiguration}.
 * <pre>
 * hygiene.enabled=true          # false: no hygiene at all
 * hygiene.mode=enforce          # enforce | audit | off
 * hygiene.retain=com.acme.cache.,org.jboss.logging.
 * hygiene.web.enabled=true      # the servlet filter
 * hygiene.task.enabled=true     # the TaskDecorator for Boot's executor and scheduler
 * </pre>
 * A value that is not allowed fails the context start; Boot's message names the property, the
 * value and the allowed values.
 */
@ConfigurationProperties("hygiene")
public class HygieneProperties {

    /** Whether hygiene is on at all: the ThreadHygiene bean, the filter, the task decorator. */
    private boolean enabled = true;

    /**
     * What each scope does: ENFORCE restores the thread as it was, AUDIT only counts what was left,
     * OFF passes through. Unset, ENFORCE, as ThreadHygiene.defaults() does (a system property
     * hygiene.mode is an ordinary Spring property source, so it applies here too).
     */
    private Mode mode;

    /** Class-name prefixes of ThreadLocals, values or referents that survive each scope. */
    private List<String> retain = new ArrayList<>();

    private final Web web = new Web();

    private final Task task = new Task();

    /**
     * Creates the properties with their defaults.
     */
    public HygieneProperties() {
    }

    /**
     * Whether hygiene is on at all.
     *
     * @return {@code hygiene.enabled}, default true
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Sets {@code hygiene.enabled}.
     *
     * @param enabled false to back off entirely
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The mode, or null when unset (then ENFORCE).
     *
     * @return {@code hygiene.mode}
     */
    public Mode getMode() {
        return mode;
    }

    /**
     * Sets {@code hygiene.mode}.
     *
     * @param mode enforce, audit or off
     */
    public void setMode(Mode mode) {
        this.mode = mode;
    }

    /**
     * The retain rules.
     *
     * @return {@code hygiene.retain}, class-name prefixes
     */
    public List<String> getRetain() {
        return retain;
    }

    /**
     * Sets {@code hygiene.retain}.
     *
     * @param retain class-name prefixes
     */
    public void setRetain(List<String> retain) {
        this.retain = retain;
    }

    /**
     * The {@code hygiene.web.*} properties.
     *
     * @return the servlet filter's settings
     */
    public Web getWeb() {
        return web;
    }

    /**
     * The {@code hygiene.task.*} properties.
     *
     * @return the task decorator's settings
     */
    public Task getTask() {
        return task;
    }

    /** The {@code hygiene.web.*} properties. */
    public static class Web {

        /** Whether every servlet dispatch runs in a scope (a filter at highest precedence). */
        private boolean enabled = true;

        /**
         * Creates the properties with their defaults.
         */
        public Web() {
        }

        /**
         * Whether the filter is registered.
         *
         * @return {@code hygiene.web.enabled}, default true
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets {@code hygiene.web.enabled}.
         *
         * @param enabled false for no filter
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** The {@code hygiene.task.*} properties. */
    public static class Task {

        /** Whether Boot's task executor (@Async) and scheduler (@Scheduled) run each task in a scope. */
        private boolean enabled = true;

        /**
         * Creates the properties with their defaults.
         */
        public Task() {
        }

        /**
         * Whether the task decorator is registered.
         *
         * @return {@code hygiene.task.enabled}, default true
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets {@code hygiene.task.enabled}.
         *
         * @param enabled false for no task decorator
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
