package dev.hygiene.junit;

import dev.hygiene.core.Leftover;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The text of a failure or warning: what was left, where, and the two fixes. */
final class Messages {

    private Messages() {
    }

    /**
     * @param subject what left it, such as {@code "test leaksUser()"}
     * @param problem a misuse found while closing (a scope the test left open), or null
     */
    static String leftovers(String subject, List<Ledger.Finding> findings, String problem, Settings settings) {
        StringBuilder text = new StringBuilder();
        int count = 0;
        for (Ledger.Finding f : findings) {
            count += f.leftovers().size();
        }
        if (count > 0) {
            text.append(subject).append(" left ").append(count).append(count == 1 ? " thread-local value" : " thread-local values")
                    .append(" behind:\n");
            for (Ledger.Finding f : findings) {
                for (Leftover l : f.leftovers()) {
                    text.append("  - ").append(describe(l)).append("\n    on thread ").append(f.thread()).append(", ")
                            .append(f.where()).append('\n');
                }
            }
        }
        if (problem != null) {
            text.append(subject).append(" left a hygiene TaskScope open: ").append(problem)
                    .append("; every scope the test enters must be closed before it ends.\n");
        }
        text.append("The thread was restored, so later tests start clean.");
        if (count > 0) {
            text.append("\nTo fix it, call remove() in a finally block where the value is set.\nIf it is meant to stay");
            Set<String> hints = new LinkedHashSet<>();
            for (Ledger.Finding f : findings) {
                for (Leftover l : f.leftovers()) {
                    String hint = retainHint(l);
                    if (hint != null) {
                        hints.add(hint);
                    }
                }
            }
            if (hints.isEmpty()) {
                text.append(" (a per-thread cache), give it a ThreadLocal subclass or value class of its own and retain ")
                        .append("that with @RetainThreadLocals, or mark a test that leaves it on purpose with ")
                        .append("@LeavesThreadLocals(\"why\").");
            } else {
                String joined = String.join("\", \"", hints);
                text.append(" (a per-thread cache), retain it: @RetainThreadLocals(\"").append(joined)
                        .append("\") on the test or its class, or ").append(ThreadHygieneExtension.RETAIN_PARAMETER)
                        .append('=').append(String.join(",", hints)).append(" in junit-platform.properties.");
            }
        }
        if (settings.leavesReason != null) {
            text.append("\nReported, not failed: @LeavesThreadLocals(\"").append(settings.leavesReason).append("\").");
        } else if (settings.warn) {
            text.append("\nReported, not failed: ").append(ThreadHygieneExtension.MODE_PARAMETER).append("=warn.");
        }
        return text.toString();
    }

    static String describe(Leftover l) {
        String local = l.localType() + (l.inheritable() ? " (inheritable map)" : "") + declaredIn(l.localType());
        String value = l.valueType() == null ? "null" : "a " + l.valueType();
        switch (l.kind()) {
            case CHANGED:
                return "replaced the value of a " + local + " that was set before, with " + value;
            case STALE:
                return "a stale entry" + (l.inheritable() ? " (inheritable map)" : "")
                        + " holding " + value + ", whose ThreadLocal was garbage collected before it was removed";
            default:
                return "a " + local + " holding " + value;
        }
    }

    /** Where an anonymous or local {@code ThreadLocal} subclass was declared, read off its binary name. */
    private static String declaredIn(String localType) {
        int dollar = localType.indexOf('$');
        while (dollar >= 0 && dollar + 1 < localType.length()) {
            if (Character.isDigit(localType.charAt(dollar + 1))) {
                return " (declared in " + localType.substring(0, dollar) + ")";
            }
            dollar = localType.indexOf('$', dollar + 1);
        }
        return "";
    }

    /**
     * The narrowest retain rule the names allow, or null when both are the JDK's own classes
     * ({@code java.lang.ThreadLocal} holding a {@code String}), whose prefix would retain far more.
     */
    private static String retainHint(Leftover l) {
        if (l.kind() != Leftover.Kind.STALE && !l.localType().startsWith("java.")) {
            return l.localType();
        }
        String value = l.valueType();
        if (value != null && !value.startsWith("java.") && !value.startsWith("[") && !value.contains("$$Lambda")) {
            return value;
        }
        return null;
    }
}
