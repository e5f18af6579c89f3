package dev.hygiene.core;

import java.lang.instrument.Instrumentation;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The java agent in hygiene-core's jar. It opens package {@code java.lang} to the module that
 * holds hygiene-core, with {@link Instrumentation#redefineModule}, so that {@link ThreadHygiene}
 * works without {@code --add-opens}. It changes no bytecode.
 *
 * <p>Use one of:
 * <ul>
 * <li>{@code java -javaagent:hygiene-core.jar ...} ({@code premain});
 * <li>{@code Launcher-Agent-Class: dev.hygiene.core.HygieneAgent} in the manifest of an executable
 *     jar that contains hygiene-core ({@code agentmain}, called before {@code main}).
 * </ul>
 * The agent opens {@code java.lang} to the module of the class loader that loads the agent: the
 * unnamed module of the application class loader, and the named module {@code dev.hygiene.core}
 * when hygiene-core is on the module path. A copy of hygiene-core loaded by another class loader
 * (inside a web application, say) needs {@code --add-opens} instead.
 */
public final class HygieneAgent {

    private HygieneAgent() {
    }

    /**
     * Entry point of {@code -javaagent:hygiene-core.jar}.
     *
     * @param args ignored
     * @param instrumentation the JVM's instrumentation
     */
    @SuppressWarnings("exports") // called by the JVM, which reads java.instrument itself
    public static void premain(String args, Instrumentation instrumentation) {
        openJavaLang(instrumentation);
    }

    /**
     * Entry point of {@code Launcher-Agent-Class} and of dynamic attach.
     *
     * @param args ignored
     * @param instrumentation the JVM's instrumentation
     */
    @SuppressWarnings("exports") // called by the JVM, which reads java.instrument itself
    public static void agentmain(String args, Instrumentation instrumentation) {
        openJavaLang(instrumentation);
    }

    private static void openJavaLang(Instrumentation instrumentation) {
        Module javaBase = Object.class.getModule();
        Set<Module> targets = new HashSet<>();
        targets.add(HygieneAgent.class.getModule());
        ModuleLayer.boot().findModule("dev.hygiene.core").ifPresent(targets::add);
        instrumentation.redefineModule(javaBase, Set.of(), Map.of(), Map.of("java.lang", targets), Set.of(),
                Map.of());
    }
}
