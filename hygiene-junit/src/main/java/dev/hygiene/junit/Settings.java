package dev.hygiene.junit;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.HygieneSettings;
import dev.hygiene.core.Mode;
import dev.hygiene.core.ThreadHygiene;
import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * What applies to one test or class: the configuration parameters, then the annotations of the
 * method, its class and the enclosing classes. Parsed again for each test (a few string
 * operations); the hygienes are shared per set of retain rules for the whole engine run.
 */
final class Settings {

    /**
     * Retained always, beyond hygiene-core's own default (the JDK's {@code ThreadLocal} subclasses):
     * these prefixes also match the value's class, so that a JDK cache kept in a plain
     * {@code ThreadLocal} (such as {@code sun.nio.ch.IOVecWrapper}'s) is the JDK's business too; and
     * the private value classes of the JDK's caches in public packages that tests meet, by name
     * ({@code java.security.Provider}'s last service key, a {@code ThreadLocal.withInitial} on JDK 25).
     * Not every non-public JDK class: {@code List.of()} is one, and user code keeps those.
     */
    static final List<String> JDK = List.of("jdk.internal.", "sun.", "java.security.Provider$ServiceKey");

    final boolean warn;
    /** The reason of the nearest {@link LeavesThreadLocals}, or null. */
    final String leavesReason;
    /** The retain rules: the parameter's and every annotation's, sorted and without repeats. */
    final List<String> retain;
    /** The enforcing hygiene of these rules, shared by every test that has the same. */
    final ThreadHygiene hygiene;
    /** The auditing hygiene of these rules, which only measures: around class-level methods. */
    final ThreadHygiene auditing;

    private Settings(boolean warn, String leavesReason, List<String> retain, ThreadHygiene hygiene,
            ThreadHygiene auditing) {
        this.warn = warn;
        this.leavesReason = leavesReason;
        this.retain = retain;
        this.hygiene = hygiene;
        this.auditing = auditing;
    }

    boolean reportsOnly() {
        return warn || leavesReason != null;
    }

    static Settings of(ExtensionContext context) {
        if (!ThreadHygiene.isSupported()) {
            throw new ExtensionConfigurationException("ThreadHygieneExtension cannot reach the thread-local maps: "
                    + "java.lang is not open to hygiene. Add --add-opens java.base/java.lang=ALL-UNNAMED to the test "
                    + "JVM (surefire's and failsafe's argLine, Gradle's jvmArgs), or start it with "
                    + "-javaagent:hygiene-core.jar");
        }
        boolean warn = parseMode(context.getConfigurationParameter(ThreadHygieneExtension.MODE_PARAMETER));
        TreeSet<String> retain = new TreeSet<>(JDK);
        retain.addAll(parseRetain(
                context.getConfigurationParameter(ThreadHygieneExtension.RETAIN_PARAMETER).orElse(null),
                "configuration parameter " + ThreadHygieneExtension.RETAIN_PARAMETER));
        String reason = null;
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            Optional<AnnotatedElement> element = c.getElement();
            if (element.isEmpty()) {
                continue;
            }
            Optional<RetainThreadLocals> rule = AnnotationSupport.findAnnotation(element.get(), RetainThreadLocals.class);
            if (rule.isPresent()) {
                retain.addAll(rules(rule.get(), element.get()));
            }
            Optional<LeavesThreadLocals> leaves = AnnotationSupport.findAnnotation(element.get(), LeavesThreadLocals.class);
            if (reason == null && leaves.isPresent()) {
                reason = leaves.get().value();
                if (reason.isBlank()) {
                    throw new ExtensionConfigurationException("@LeavesThreadLocals on " + element.get()
                            + " has a blank reason: say why the test leaves thread-locals behind");
                }
            }
        }
        List<String> rules = List.copyOf(retain);
        ConcurrentMap<List<String>, ThreadHygiene[]> hygienes = hygienes(context);
        ThreadHygiene[] pair = hygienes.computeIfAbsent(rules, r -> new ThreadHygiene[] {
            ThreadHygiene.of(policy(r).build()), ThreadHygiene.of(policy(r).mode(Mode.AUDIT).build())
        });
        return new Settings(warn, reason, rules, pair[0], pair[1]);
    }

    /** The engine run's hygienes by retain rules: the enforcing one, then the auditing one. */
    @SuppressWarnings("unchecked")
    private static ConcurrentMap<List<String>, ThreadHygiene[]> hygienes(ExtensionContext context) {
        return context.getRoot().getStore(ThreadHygieneExtension.NAMESPACE)
                .getOrComputeIfAbsent(Settings.class, k -> new ConcurrentHashMap<List<String>, ThreadHygiene[]>(),
                        ConcurrentMap.class);
    }

    /** The policy of the extension's hygienes: enforcing unless set otherwise, named {@code junit}, without an MBean. */
    static HygienePolicy.Builder policy(List<String> retain) {
        return HygienePolicy.builder().name("junit").jmx(false).retainTypes(retain.toArray(new String[0]));
    }

    static boolean parseMode(Optional<String> value) {
        if (value.isEmpty()) {
            return false;
        }
        switch (value.get().trim().toLowerCase(Locale.ROOT)) {
            case "fail":
                return false;
            case "warn":
                return true;
            default:
                throw new ExtensionConfigurationException("configuration parameter "
                        + ThreadHygieneExtension.MODE_PARAMETER + " is '" + value.get()
                        + "'; allowed values are fail (the default) and warn, in any case");
        }
    }

    static List<String> parseRetain(String value, String setting) {
        try {
            return HygieneSettings.parseRetain(value, ',', setting);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException(e.getMessage(), e);
        }
    }

    private static List<String> rules(RetainThreadLocals rule, AnnotatedElement element) {
        String setting = "@RetainThreadLocals on " + element;
        if (rule.value().length == 0 && rule.types().length == 0) {
            throw new ExtensionConfigurationException(setting + " names nothing: give class-name prefixes, "
                    + "@RetainThreadLocals(\"com.acme.cache.\"), or types, @RetainThreadLocals(types = Cache.class)");
        }
        List<String> rules = new ArrayList<>();
        for (String prefix : rule.value()) {
            if (prefix.indexOf(',') >= 0) {
                throw new ExtensionConfigurationException(setting + " has '" + prefix
                        + "': give each prefix as an element of its own, @RetainThreadLocals({\"a.\", \"b.\"})");
            }
            if (prefix.isBlank()) {
                throw new ExtensionConfigurationException(setting + " has a blank prefix");
            }
            rules.addAll(parseRetain(prefix, setting));
        }
        for (Class<?> type : rule.types()) {
            rules.add(type.getName());
        }
        return rules;
    }
}
