package dev.hygiene.core;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link ThreadHygiene} does around each task: its {@link Mode}, which thread-locals it leaves
 * alone, whether it covers the inheritable map and the thread's own state, and who hears about
 * leftovers. Immutable and thread-safe.
 *
 * <pre>{@code
 * HygienePolicy policy = HygienePolicy.builder()
 *     .name("http-workers")
 *     .retainTypes("com.fasterxml.jackson.")       // keep Jackson's per-thread buffer recycler
 *     .onLeftovers((worker, leftovers) -> log.debug("{} left {}", worker, leftovers))
 *     .build();
 * ThreadHygiene hygiene = ThreadHygiene.of(policy);
 * }</pre>
 *
 * <h2>Retained entries</h2>
 * An entry is <em>retained</em> when its {@code ThreadLocal} was named with
 * {@link Builder#retain(ThreadLocal[])}, or when a prefix of {@link Builder#retainTypes(String...)}
 * starts the class name of the {@code ThreadLocal}, of the value, or, for a value that is a
 * {@link java.lang.ref.SoftReference} or {@link java.lang.ref.WeakReference}, of its referent.
 * Hygiene leaves retained entries exactly as the task left them (added, replaced or removed) and
 * does not count them as leftovers; they become part of the next task's snapshot. Regardless of the
 * policy, {@code ThreadLocal} subclasses from {@code jdk.internal.} and {@code sun.} are always
 * retained: they hold the JDK's own per-thread runtime state, such as the native buffers that
 * {@code TerminatingThreadLocal} frees when the thread exits.
 */
public final class HygienePolicy {

    /** The name of a policy built without {@link Builder#name(String)}. */
    static final String DEFAULT_NAME = "hygiene";

    private final Mode mode;
    private final String name;
    private final List<WeakReference<ThreadLocal<?>>> retained;
    private final String[] retainedTypes;
    private final boolean inheritable;
    private final boolean restoreThreadState;
    private final LeftoverListener listener;
    private final boolean jmx;

    private HygienePolicy(Builder b) {
        this.mode = b.mode == null ? Mode.ENFORCE : b.mode;
        this.name = b.name == null ? DEFAULT_NAME : b.name;
        this.retained = List.copyOf(b.retained);
        this.retainedTypes = b.retainedTypes.toArray(new String[0]);
        this.inheritable = b.inheritable == null || b.inheritable;
        this.restoreThreadState = b.restoreThreadState == null || b.restoreThreadState;
        this.listener = b.listener;
        this.jmx = b.jmx == null ? b.name != null : b.jmx;
    }

    /**
     * Starts a policy. A policy built without further settings enforces, covers both maps and the
     * thread state, retains only the JDK's own thread-locals, has no listener and registers no MBean.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The mode; {@link Mode#ENFORCE} unless the builder set another.
     *
     * @return the mode
     */
    public Mode mode() {
        return mode;
    }

    /**
     * The name shown in reports; {@value #DEFAULT_NAME} unless the builder set one.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Whether the inheritable map is snapshotted and restored too.
     *
     * @return true unless the builder said {@code inheritable(false)}
     */
    public boolean inheritable() {
        return inheritable;
    }

    /**
     * Whether the thread's name, priority, context class loader and uncaught-exception handler are
     * restored (and, in audit, counted).
     *
     * @return true unless the builder said {@code restoreThreadState(false)}
     */
    public boolean restoreThreadState() {
        return restoreThreadState;
    }

    /**
     * The class-name prefixes given to {@link Builder#retainTypes(String...)}.
     *
     * @return a new list of the prefixes, in the order given
     */
    public List<String> retainedTypes() {
        return List.of(retainedTypes);
    }

    /**
     * The listener told of every task that left something, if any.
     *
     * @return the listener, or null
     */
    public LeftoverListener leftoverListener() {
        return listener;
    }

    /**
     * Whether a {@link ThreadHygiene} built with this policy registers its {@link ThreadHygieneMXBean}
     * as {@code dev.hygiene:type=ThreadHygiene,name=<name>}.
     *
     * @return what the builder said with {@link Builder#jmx(boolean)}; without that, true exactly
     *         when the builder set a {@linkplain Builder#name(String) name}
     */
    public boolean jmx() {
        return jmx;
    }

    List<WeakReference<ThreadLocal<?>>> retainedLocals() {
        return retained;
    }

    String[] retainedTypePrefixes() {
        return retainedTypes.clone();
    }

    /** {@return the mode, name and settings, for logs} */
    @Override
    public String toString() {
        return "HygienePolicy[name=" + name + ", mode=" + mode + ", retained=" + retained.size()
                + " locals, retainTypes=" + Arrays.toString(retainedTypes) + ", inheritable=" + inheritable
                + ", restoreThreadState=" + restoreThreadState + ", listener=" + (listener != null)
                + ", jmx=" + jmx + "]";
    }

    /**
     * Builds a {@link HygienePolicy}. Each single-valued setting may be set once; the retain
     * settings add up. Not thread-safe.
     *
     * <p>Each setting is checked when it is made; {@link #build()} then rejects only what contradicts
     * itself: {@link Mode#OFF} together with a {@linkplain #onLeftovers(LeftoverListener) listener}
     * or with retain rules ({@link #retain(ThreadLocal[])}, {@link #retainTypes(String...)}). OFF
     * does nothing around a task, so it would never call the one or apply the others. To only watch
     * what tasks leave, use {@link Mode#AUDIT}, which calls the listener and honours the retain rules
     * and changes nothing. Everything else combines: {@code inheritable(false)} or
     * {@code restoreThreadState(false)} with OFF, retain rules in AUDIT, {@code jmx(true)} without a
     * name.
     */
    public static final class Builder {

        private Mode mode;
        private String name;
        private final List<WeakReference<ThreadLocal<?>>> retained = new ArrayList<>();
        private final List<String> retainedTypes = new ArrayList<>();
        private Boolean inheritable;
        private Boolean restoreThreadState;
        private LeftoverListener listener;
        private Boolean jmx;

        private Builder() {
        }

        /**
         * Sets the mode. {@link Mode#OFF} takes no listener and no retain rules (see {@link #build()}).
         *
         * @param mode what to do around each task
         * @return this builder
         * @throws NullPointerException if {@code mode} is null
         * @throws IllegalStateException if the mode was already set
         */
        public Builder mode(Mode mode) {
            Objects.requireNonNull(mode, "mode");
            requireUnset("mode", this.mode);
            this.mode = mode;
            return this;
        }

        /**
         * Sets the name shown in reports, JMX and JFR. A named policy registers its hygiene's MBean
         * unless {@link #jmx(boolean) jmx(false)} says otherwise.
         *
         * @param name a non-blank name, such as the pool's
         * @return this builder
         * @throws NullPointerException if {@code name} is null
         * @throws IllegalArgumentException if {@code name} is blank
         * @throws IllegalStateException if the name was already set
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name is blank; give the policy a name such as the pool's");
            }
            requireUnset("name", this.name);
            this.name = name;
            return this;
        }

        /**
         * Retains these thread-locals, by identity: whatever a task does to their entries stays.
         * The policy refers to them weakly, so it never keeps one alive.
         *
         * @param locals the thread-locals to leave alone
         * @return this builder
         * @throws NullPointerException if {@code locals} or one of its elements is null (the
         *         message names the index)
         */
        public Builder retain(ThreadLocal<?>... locals) {
            Objects.requireNonNull(locals, "locals");
            for (int i = 0; i < locals.length; i++) {
                Objects.requireNonNull(locals[i], "locals[" + i + "] is null");
            }
            for (ThreadLocal<?> local : locals) {
                retained.add(new WeakReference<>(local));
            }
            return this;
        }

        /**
         * Retains the entries whose {@code ThreadLocal}'s class name, value's class name or (for a
         * value that is a {@code SoftReference} or {@code WeakReference}) referent's class name
         * starts with one of these prefixes.
         *
         * @param classNamePrefixes class-name prefixes such as {@code "com.fasterxml.jackson."}
         * @return this builder
         * @throws NullPointerException if the array or one of its elements is null
         * @throws IllegalArgumentException if a prefix is empty or is not the start of a binary
         *         class name (letters, digits, {@code _}, {@code $} and {@code .})
         */
        public Builder retainTypes(String... classNamePrefixes) {
            Objects.requireNonNull(classNamePrefixes, "classNamePrefixes");
            for (int i = 0; i < classNamePrefixes.length; i++) {
                String prefix = Objects.requireNonNull(classNamePrefixes[i], "classNamePrefixes[" + i + "] is null");
                String problem = prefixProblem(prefix);
                if (problem != null) {
                    throw new IllegalArgumentException("retainTypes: class-name prefix '" + prefix + "' " + problem
                            + "; give prefixes such as \"com.acme.\" or \"org.slf4j.MDC\"");
                }
            }
            retainedTypes.addAll(Arrays.asList(classNamePrefixes));
            return this;
        }

        /**
         * Whether to snapshot and restore the inheritable map too. Default true.
         *
         * @param include false to leave {@code InheritableThreadLocal} entries alone
         * @return this builder
         * @throws IllegalStateException if this setting was already made
         */
        public Builder inheritable(boolean include) {
            requireUnset("inheritable", this.inheritable);
            this.inheritable = include;
            return this;
        }

        /**
         * Whether to restore (in audit: count) the thread's name, priority, context class loader and
         * uncaught-exception handler. Default true.
         *
         * @param restore false to leave the thread's own state alone
         * @return this builder
         * @throws IllegalStateException if this setting was already made
         */
        public Builder restoreThreadState(boolean restore) {
            requireUnset("restoreThreadState", this.restoreThreadState);
            this.restoreThreadState = restore;
            return this;
        }

        /**
         * Sets the listener told of every task that left something.
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if {@code listener} is null
         * @throws IllegalStateException if a listener was already set
         */
        public Builder onLeftovers(LeftoverListener listener) {
            Objects.requireNonNull(listener, "listener");
            requireUnset("onLeftovers", this.listener);
            this.listener = listener;
            return this;
        }

        /**
         * Whether a {@link ThreadHygiene} built with this policy registers a
         * {@link ThreadHygieneMXBean} in the platform MBean server, under the name
         * {@code dev.hygiene:type=ThreadHygiene,name=<name>}. By default it does when a
         * {@linkplain #name(String) name} was set and does not otherwise; {@code jmx(true)} without a
         * name registers under {@value HygienePolicy#DEFAULT_NAME}.
         *
         * <p>Registration never makes building a hygiene fail. When the name is taken, by another
         * hygiene of the same name, the first free of {@code <name>-2}, {@code <name>-3}, ... is used;
         * a name with a character that an {@code ObjectName} value cannot hold as is ({@code , = : " * ?}
         * or a line break) is quoted, as {@code javax.management.ObjectName.quote} does. When JMX
         * cannot be used, for instance in a JVM without the {@code java.management} module, the
         * hygiene works without its MBean and the cause is logged once, at WARNING, to the
         * {@code System.Logger} {@code dev.hygiene}. The MBean is unregistered once the hygiene has
         * been garbage collected.
         *
         * @param register false never to register, true to register even without a name
         * @return this builder
         * @throws IllegalStateException if this setting was already made
         */
        public Builder jmx(boolean register) {
            requireUnset("jmx", this.jmx);
            this.jmx = register;
            return this;
        }

        /**
         * The one check behind "each single-valued setting may be set once": {@code current} is what
         * the setting holds, null while it was never made.
         *
         * @throws IllegalStateException naming the setting and the value it already has (a name in
         *         quotes, so that one with blanks reads as one)
         */
        private static void requireUnset(String setting, Object current) {
            if (current != null) {
                throw new IllegalStateException(setting + " was already set to "
                        + (current instanceof String ? "'" + current + "'" : current));
            }
        }

        /**
         * Builds the policy. The builder may be used again afterwards.
         *
         * @return an immutable policy
         * @throws IllegalStateException if the mode is {@link Mode#OFF} and a listener
         *         ({@link #onLeftovers(LeftoverListener)}) or retain rules ({@link #retain(ThreadLocal[])},
         *         {@link #retainTypes(String...)}) were set as well: OFF never runs them. The message
         *         names what was set and says to drop it, or to use {@link Mode#AUDIT} to only count
         *         leftovers.
         */
        public HygienePolicy build() {
            if (mode == Mode.OFF) {
                requireNothingOffIgnores();
            }
            return new HygienePolicy(this);
        }

        private void requireNothingOffIgnores() {
            List<String> ignored = new ArrayList<>();
            if (listener != null) {
                ignored.add("onLeftovers(" + listener + ")");
            }
            if (!retained.isEmpty()) {
                ignored.add("retain(...) of " + retained.size() + " ThreadLocal(s)");
            }
            if (!retainedTypes.isEmpty()) {
                ignored.add("retainTypes(\"" + String.join("\", \"", retainedTypes) + "\")");
            }
            if (ignored.isEmpty()) {
                return;
            }
            boolean one = ignored.size() == 1;
            throw new IllegalStateException("mode OFF never runs a LeftoverListener or retain rules, but "
                    + String.join(" and ", ignored) + (one ? " was" : " were") + " set too: OFF is the kill "
                    + "switch and does nothing around a task. Drop " + (one ? "it" : "them")
                    + " to turn hygiene off, or use mode(Mode.AUDIT) to only count leftovers and change nothing");
        }
    }

    /** Why {@code prefix} cannot start a binary class name, or null when it can. */
    static String prefixProblem(String prefix) {
        if (prefix.isEmpty()) {
            return "is empty";
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            boolean ok = c == '.' ? i > 0 && prefix.charAt(i - 1) != '.'
                    : i == 0 || prefix.charAt(i - 1) == '.' ? Character.isJavaIdentifierStart(c)
                    : Character.isJavaIdentifierPart(c);
            if (!ok) {
                return "has '" + c + "' at index " + i + ", which cannot stand there in a class name";
            }
        }
        return null;
    }
}
