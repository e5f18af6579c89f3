package dev.hygiene.agent.boot;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.HygieneSettings;
import dev.hygiene.core.Mode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's options, {@code key=value} pairs separated by commas (JaCoCo's convention):
 * {@code mode=enforce|audit|off} and {@code retain=prefix[:prefix...]}. Without {@code mode} the
 * agent uses the system property {@code hygiene.mode}, then ENFORCE; {@code retain} adds to
 * {@code hygiene.retain}.
 */
final class AgentOptions {

    /** The name of the agent's hygiene: in its MBean, the log and JFR. */
    static final String NAME = "agent";

    final Mode mode;
    final List<String> retain;

    private AgentOptions(Mode mode, List<String> retain) {
        this.mode = mode;
        this.retain = retain;
    }

    /**
     * Parses the options and the system properties they fall back on.
     *
     * @throws IllegalArgumentException naming the option or property, its value and what is allowed
     */
    static AgentOptions parse(String text) {
        Map<String, String> options = split(text);
        String modeOption = options.get("mode");
        String modeProperty = System.getProperty(HygieneSettings.MODE_PROPERTY);
        Mode mode = modeOption != null ? HygieneSettings.parseMode(modeOption, "agent option mode")
                : modeProperty != null ? HygieneSettings.parseMode(modeProperty,
                        "system property " + HygieneSettings.MODE_PROPERTY)
                : Mode.ENFORCE;
        List<String> retain = new ArrayList<>();
        if (mode != Mode.OFF) {
            retain.addAll(HygieneSettings.parseRetain(System.getProperty(HygieneSettings.RETAIN_PROPERTY), ',',
                    "system property " + HygieneSettings.RETAIN_PROPERTY));
            retain.addAll(HygieneSettings.parseRetain(options.get("retain"), ':', "agent option retain"));
        }
        return new AgentOptions(mode, List.copyOf(retain));
    }

    private static Map<String, String> split(String text) {
        Map<String, String> options = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return options;
        }
        for (String item : text.split(",", -1)) {
            int eq = item.indexOf('=');
            String key = (eq < 0 ? item : item.substring(0, eq)).trim();
            if (eq < 0 || !(key.equals("mode") || key.equals("retain"))) {
                throw new IllegalArgumentException("agent option '" + item.trim() + "' is not understood; "
                        + "allowed are mode=enforce|audit|off and retain=prefix[:prefix...], separated by commas, "
                        + "such as -javaagent:hygiene-agent.jar=mode=audit,retain=com.example.cache.");
            }
            if (options.put(key, item.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("agent option " + key + " is given twice in '" + text
                        + "'; give each option once");
            }
        }
        return options;
    }

    /** The policy of the agent's hygiene. */
    HygienePolicy policy() {
        HygienePolicy.Builder policy = HygienePolicy.builder().name(NAME).mode(mode);
        if (!retain.isEmpty()) {
            policy.retainTypes(retain.toArray(new String[0]));
        }
        return policy.build();
    }
}
