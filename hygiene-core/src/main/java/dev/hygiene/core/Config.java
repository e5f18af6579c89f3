package dev.hygiene.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the system properties behind {@link ThreadHygiene#defaults()} and keeps the hygiene built
 * from them, so that every default pool shares one set of stats while the properties stay the same.
 * {@code hygiene.mode=off} is the kill switch and works whatever else is set: {@code hygiene.retain}
 * is then not read at all (an OFF policy takes no retain rules, and a bad value must not keep an
 * operator from turning hygiene off).
 */
final class Config {

    static final String MODE_PROPERTY = "hygiene.mode";
    static final String RETAIN_PROPERTY = "hygiene.retain";
    static final String DEFAULT_NAME = "default";

    /** The hygiene built from the property values it remembers; replaced when they change. */
    private static volatile Cached cached;

    private record Cached(String mode, String retain, ThreadHygiene hygiene) {
    }

    private Config() {
    }

    static ThreadHygiene defaults() {
        String mode = System.getProperty(MODE_PROPERTY);
        String retain = System.getProperty(RETAIN_PROPERTY);
        Cached c = cached;
        if (c != null && equal(c.mode, mode) && equal(c.retain, retain)) {
            return c.hygiene;
        }
        synchronized (Config.class) {
            // Callers racing after a change must share the one hygiene built for the new values.
            c = cached;
            if (c != null && equal(c.mode, mode) && equal(c.retain, retain)) {
                return c.hygiene;
            }
            return build(mode, retain);
        }
    }

    private static ThreadHygiene build(String mode, String retain) {
        Mode parsed = parseMode(mode);
        HygienePolicy.Builder policy = HygienePolicy.builder().name(DEFAULT_NAME).mode(parsed);
        List<String> prefixes = parsed == Mode.OFF ? List.of() : parseRetain(retain);
        if (!prefixes.isEmpty()) {
            policy.retainTypes(prefixes.toArray(new String[0]));
        }
        ThreadHygiene hygiene = ThreadHygiene.of(policy.build());
        cached = new Cached(mode, retain, hygiene);
        return hygiene;
    }

    private static boolean equal(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }

    static Mode parseMode(String value) {
        if (value == null) {
            return Mode.ENFORCE;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "enforce":
                return Mode.ENFORCE;
            case "audit":
                return Mode.AUDIT;
            case "off":
                return Mode.OFF;
            default:
                throw new IllegalArgumentException("system property " + MODE_PROPERTY + " is '" + value
                        + "'; allowed values are enforce, audit and off (or leave it unset for enforce)");
        }
    }

    static List<String> parseRetain(String value) {
        List<String> prefixes = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return prefixes;
        }
        String[] items = value.split(",", -1);
        for (int i = 0; i < items.length; i++) {
            String prefix = items[i].trim();
            String problem = HygienePolicy.prefixProblem(prefix);
            if (problem != null) {
                throw new IllegalArgumentException("system property " + RETAIN_PROPERTY + " is '" + value
                        + "': item " + (i + 1) + " ('" + prefix + "') " + problem + "; allowed is a comma-separated "
                        + "list of class-name prefixes, such as com.fasterxml.jackson.,org.slf4j.MDC");
            }
            prefixes.add(prefix);
        }
        return prefixes;
    }
}
