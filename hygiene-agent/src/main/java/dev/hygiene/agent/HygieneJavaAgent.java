package dev.hygiene.agent;

import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.security.CodeSource;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * The entry point of {@code -javaagent:hygiene-agent.jar[=options]}: per-task hygiene for the run
 * loops of every thread pool in the JVM, with no code change.
 *
 * <p>This class is the only one that the application class loader loads from the agent jar. It
 * appends the jar to the boot class path, so that {@code java.base}'s own pools
 * ({@code ThreadPoolExecutor}, {@code ForkJoinPool}) and any class loader's can call the engine;
 * lets {@code java.base} read the boot loader's unnamed module, where those classes now live; opens
 * {@code java.lang} (the thread-local maps) and {@code java.util.concurrent} (to name the tasks
 * inside a {@code FutureTask}) to it; and hands over to {@code dev.hygiene.agent.boot.Installer},
 * loaded from the boot class path. Options: {@code mode=enforce|audit|off},
 * {@code retain=prefix[:prefix...]}, comma-separated; see the README.
 */
public final class HygieneJavaAgent {

    private static final String INSTALLER = "dev.hygiene.agent.boot.Installer";
    /** The exit status of a JVM started with a bad agent option. */
    static final int BAD_OPTION_EXIT = 1;

    private HygieneJavaAgent() {
    }

    /**
     * Installs the agent, before {@code main}.
     *
     * @param options the text after {@code =} in {@code -javaagent:hygiene-agent.jar=...}, or null
     * @param instrumentation the JVM's instrumentation
     * A bad option stops the JVM with exit status 1, after one line on standard error that names
     * the option, its value and what is allowed.
     */
    public static void premain(String options, Instrumentation instrumentation) {
        try {
            instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(ownJar()));
            Class<?> installer = Class.forName(INSTALLER, false, null);
            Module engine = installer.getModule();
            Module javaBase = Object.class.getModule();
            instrumentation.redefineModule(javaBase, Set.of(engine), Map.of(),
                    Map.of("java.lang", Set.of(engine), "java.util.concurrent", Set.of(engine)), Set.of(), Map.of());
            installer.getMethod("install", String.class, Instrumentation.class).invoke(null, options, instrumentation);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException) {
                // A bad option: one line and a plain exit, not the launcher's abort with a native stack.
                System.err.println("hygiene-agent: " + cause.getMessage() + ". The JVM does not start.");
                System.exit(BAD_OPTION_EXIT);
            }
            throw new IllegalStateException("hygiene-agent could not install itself", cause);
        } catch (IOException | URISyntaxException | ReflectiveOperationException e) {
            throw new IllegalStateException("hygiene-agent could not install itself: " + e, e);
        }
    }

    private static File ownJar() throws URISyntaxException {
        CodeSource source = HygieneJavaAgent.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("hygiene-agent cannot find its own jar: start it with "
                    + "-javaagent:/path/to/hygiene-agent.jar");
        }
        return new File(source.getLocation().toURI());
    }
}
