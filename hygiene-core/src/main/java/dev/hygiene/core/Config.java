package dev.hygiene.core;

import java.util.List;

/**
 * Reads the system properties behind {@link ThreadHygiene#defaults()} and keeps the hygiene built
 * from them, so that every default pool shares one set of stats while the properties stay the same.
 * {@code hygiene.mode=off} is the kill switch and works whatever else is set: {@code hygiene.retain}
 * is then not read at all (an OFF policy takes no retain rules, and a bad value must not keep an
 * operator from turning hygiene off).
 */
final class Config {

    static final String MODE_PROPERTY = HygieneSettings.MODE_PROPERTY;
    static final String RETAIN_PROPERTY = HygieneSettings.RETAIN_PROPERTY;
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
        return value == null ? Mode.ENFORCE : HygieneSettings.parseMode(value, "system property " + MODE_PROPERTY);
    }

    static List<String> parseRetain(String value) {
        return HygieneSettings.parseRetain(value, ',', "system property " + RETAIN_PROPERTY);
    }
}
