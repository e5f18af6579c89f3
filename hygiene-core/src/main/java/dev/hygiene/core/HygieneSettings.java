package dev.hygiene.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses hygiene's settings from text, for every configuration source: the system properties of
 * {@link ThreadHygiene#defaults()}, an agent's options, a Spring {@code Environment}, a JUnit
 * configuration parameter. Each method names the setting it was given in its error messages, so
 * that a bad value is reported where the user wrote it:
 * <pre>{@code
 * Mode mode = HygieneSettings.parseMode(options.get("mode"), "agent option mode");
 * List<String> retain = HygieneSettings.parseRetain(options.get("retain"), ':', "agent option retain");
 * }</pre>
 */
public final class HygieneSettings {

    /** The system property that {@link ThreadHygiene#defaults()} reads for its mode. */
    public static final String MODE_PROPERTY = "hygiene.mode";

    /** The system property that {@link ThreadHygiene#defaults()} reads for its retain rules. */
    public static final String RETAIN_PROPERTY = "hygiene.retain";

    private HygieneSettings() {
    }

    /**
     * Parses a mode: {@code enforce}, {@code audit} or {@code off}, in any case, around blanks.
     *
     * @param value the text
     * @param setting what the text was given as, such as {@code "system property hygiene.mode"}
     * @return the mode
     * @throws NullPointerException if {@code value} or {@code setting} is null (an unset setting is
     *         the caller's to default)
     * @throws IllegalArgumentException if {@code value} is none of them; the message names the
     *         setting, the value and what is allowed
     */
    public static Mode parseMode(String value, String setting) {
        requireNonNull(value, setting);
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "enforce":
                return Mode.ENFORCE;
            case "audit":
                return Mode.AUDIT;
            case "off":
                return Mode.OFF;
            default:
                throw new IllegalArgumentException(setting + " is '" + value
                        + "'; allowed values are enforce, audit and off (in any case)");
        }
    }

    /**
     * Parses retain rules: class-name prefixes, as {@link HygienePolicy.Builder#retainTypes(String...)}
     * takes them, separated by {@code separator} (blanks around each are ignored). A null or blank
     * value is no rule.
     *
     * @param value the text, or null
     * @param separator what separates the prefixes, such as {@code ','} or {@code ':'}
     * @param setting what the text was given as, for the error message
     * @return the prefixes, in order, possibly empty
     * @throws IllegalArgumentException if an item is empty or is no class-name prefix; the message
     *         names the setting, the item and its position, and gives an example
     */
    public static List<String> parseRetain(String value, char separator, String setting) {
        requireNonNull(setting, "setting");
        List<String> prefixes = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return prefixes;
        }
        String[] items = value.split(Pattern.quote(String.valueOf(separator)), -1);
        for (int i = 0; i < items.length; i++) {
            String prefix = items[i].trim();
            String problem = HygienePolicy.prefixProblem(prefix);
            if (problem != null) {
                throw new IllegalArgumentException(setting + " is '" + value + "': item " + (i + 1) + " ('" + prefix
                        + "') " + problem + "; allowed is a list of class-name prefixes separated by '" + separator
                        + "', such as com.fasterxml.jackson." + separator + "org.slf4j.MDC");
            }
            prefixes.add(prefix);
        }
        return prefixes;
    }

    private static void requireNonNull(Object value, String name) {
        if (value == null) {
            throw new NullPointerException(name + " is null");
        }
    }
}
