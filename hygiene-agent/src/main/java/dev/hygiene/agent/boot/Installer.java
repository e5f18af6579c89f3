package dev.hygiene.agent.boot;

import dev.hygiene.core.Mode;
import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.core.internal.Engine;
import dev.hygiene.core.internal.LeftoverLog;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Installs the agent from the boot class path, once {@code HygieneJavaAgent} has put the jar there
 * and opened {@code java.base} to it: parses the options, builds the hygiene named
 * {@value AgentOptions#NAME}, registers the {@link RunLoopTransformer} and retransforms the run
 * loops already loaded, then prints one INFO line with what it instrumented.
 */
public final class Installer {

    private static volatile Engine engine;
    private static volatile ThreadHygiene hygiene;
    private static volatile RunLoopTransformer transformer;

    private Installer() {
    }

    /**
     * Installs the agent.
     *
     * @param options the agent's options, or null
     * @param instrumentation the JVM's instrumentation
     * @throws IllegalArgumentException if an option is bad
     */
    public static void install(String options, Instrumentation instrumentation) {
        AgentOptions parsed = AgentOptions.parse(options);
        System.Logger log = LeftoverLog.LOGGER;
        if (parsed.mode == Mode.OFF) {
            log.log(System.Logger.Level.INFO, "hygiene-agent: mode OFF, nothing instrumented");
            return;
        }
        if (!ThreadHygiene.isSupported()) {
            log.log(System.Logger.Level.WARNING, "hygiene-agent: java.lang could not be opened to hygiene ("
                    + Engine.unsupportedReason() + "); nothing instrumented, the application runs without hygiene");
            return;
        }
        ThreadHygiene built = ThreadHygiene.of(parsed.policy());
        hygiene = built;
        engine = Engine.of(built);
        RunLoopTransformer loops = new RunLoopTransformer();
        transformer = loops;
        instrumentation.addTransformer(loops, true);
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (loops.isTarget(type.getName()) && instrumentation.isModifiableClass(type)) {
                loaded.add(type);
            }
        }
        for (Class<?> type : loaded) {
            try {
                instrumentation.retransformClasses(type);
            } catch (UnmodifiableClassException | RuntimeException | LinkageError e) {
                log.log(System.Logger.Level.WARNING, "hygiene-agent left " + type.getName() + " alone: retransforming "
                        + "it failed with " + e + ". Its tasks run without hygiene.");
            }
        }
        StringBuilder later = new StringBuilder();
        for (RunLoop loop : RunLoop.ALL) {
            if (!loops.instrumented.contains(loop.toString()) && later.indexOf(loop.label) < 0) {
                later.append(later.length() == 0 ? "" : ", ").append(loop.label);
            }
        }
        log.log(System.Logger.Level.INFO, "hygiene-agent (" + parsed.mode + ", hygiene '" + AgentOptions.NAME
                + "'): instrumented " + new TreeSet<>(loops.instrumented) + "; when loaded: " + later);
    }

    /** The engine of the agent's hygiene, for {@link Bridge}; set before any loop is rewritten. */
    static Engine engine() {
        return engine;
    }

    /**
     * The agent's hygiene, or null if the agent instrumented nothing.
     *
     * @return the hygiene named {@value AgentOptions#NAME}
     */
    public static ThreadHygiene hygiene() {
        return hygiene;
    }

    /**
     * The run loops rewritten so far, as {@code class.method}.
     *
     * @return a snapshot, sorted
     */
    public static List<String> instrumented() {
        RunLoopTransformer t = transformer;
        return t == null ? List.of() : new ArrayList<>(new TreeSet<>(t.instrumented));
    }
}
