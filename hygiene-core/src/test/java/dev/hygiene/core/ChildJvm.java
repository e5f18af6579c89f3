package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.fail;

import dev.hygiene.testsupport.ChildProcess;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Starts a child JVM of the JDK that runs the tests, with hygiene-core's packaged jar and the test
 * classes, and runs {@link ChildProbe} in it, with {@link ChildProcess}: the child's JVM options are
 * exactly the ones a test gives, and {@link ChildProcess#value(String)} reads what the probe printed.
 *
 * <p>Needs the system properties {@value #JAR_PROPERTY} and {@value #TEST_CLASSES_PROPERTY}, which
 * failsafe sets (see hygiene-core's pom).
 */
final class ChildJvm {

    static final String JAR_PROPERTY = "hygiene.core.jar";
    static final String TEST_CLASSES_PROPERTY = "hygiene.test.classes";

    /** The documented option that opens java.lang to hygiene-core on the class path. */
    static final List<String> OPENS_TO_CLASS_PATH = List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED");

    /** The documented option that opens java.lang to hygiene-core on the module path. */
    static final List<String> OPENS_TO_MODULE = List.of("--add-opens", "java.base/java.lang=dev.hygiene.core");

    private ChildJvm() {
    }

    /** The packaged hygiene-core jar, the one a user puts after {@code -javaagent:}. */
    static Path coreJar() {
        return existing(JAR_PROPERTY);
    }

    /** The directory of the compiled test classes, where {@link ChildProbe} lives. */
    static Path testClasses() {
        return existing(TEST_CLASSES_PROPERTY);
    }

    private static Path existing(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            fail("system property " + property + " is not set; run the child-JVM tests with "
                    + "'mvn -pl hygiene-core -am verify', whose failsafe configuration sets it");
        }
        Path path = Path.of(value);
        if (!Files.exists(path)) {
            fail("system property " + property + " names " + path + ", which does not exist; "
                    + "the child-JVM tests run after 'package'");
        }
        return path;
    }

    /**
     * Runs {@link ChildProbe} on the class path: hygiene-core's jar, then the test classes.
     *
     * @param jvmOptions options before the main class, such as {@code -javaagent:...}
     * @param probes the probes to run, see {@link ChildProbe}
     * @return what the child printed and how it exited
     */
    static ChildProcess classPath(List<String> jvmOptions, String... probes) {
        return classPath(ChildProbe.class, jvmOptions, probes);
    }

    /**
     * Runs {@code mainClass}, a test class that prints its results as {@link ChildProbe} does, on the
     * class path: hygiene-core's jar, then the test classes.
     *
     * @param mainClass the class whose {@code main} to run
     * @param jvmOptions options before the main class
     * @param arguments the arguments of {@code main}
     * @return what the child printed and how it exited
     */
    static ChildProcess classPath(Class<?> mainClass, List<String> jvmOptions, String... arguments) {
        List<String> command = new ArrayList<>(jvmOptions);
        command.add("-cp");
        command.add(coreJar() + File.pathSeparator + testClasses());
        command.add(mainClass.getName());
        command.addAll(Arrays.asList(arguments));
        return run(command);
    }

    /**
     * Runs {@link ChildProbe} with hygiene-core on the module path, as the named module
     * {@code dev.hygiene.core}. The test classes share its package, so they are patched into that
     * module rather than put on the class path, where the module would hide them.
     *
     * @param jvmOptions options before the module path, such as {@code -javaagent:...}
     * @param probes the probes to run, see {@link ChildProbe}
     * @return what the child printed and how it exited
     */
    static ChildProcess modulePath(List<String> jvmOptions, String... probes) {
        List<String> command = new ArrayList<>(jvmOptions);
        command.add("--module-path");
        command.add(coreJar().toString());
        command.add("--patch-module");
        command.add("dev.hygiene.core=" + testClasses());
        command.add("--module");
        command.add("dev.hygiene.core/" + ChildProbe.class.getName());
        command.addAll(Arrays.asList(probes));
        return run(command);
    }

    /**
     * Runs {@link ChildProbe} with {@code java -jar}, from an executable jar written into {@code dir}
     * whose manifest names {@link ChildProbe} as {@code Main-Class}, puts hygiene-core's jar and the
     * test classes on its {@code Class-Path}, and has the given further attributes, such as
     * {@code Launcher-Agent-Class} or {@code Add-Opens}.
     *
     * @param dir where to write the jar
     * @param attributes further main attributes of the manifest
     * @param probes the probes to run, see {@link ChildProbe}
     * @return what the child printed and how it exited
     */
    static ChildProcess executableJar(Path dir, Map<String, String> attributes, String... probes) {
        Path jar = dir.resolve("app.jar");
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, ChildProbe.class.getName());
        main.put(Attributes.Name.CLASS_PATH, relativeUrl(dir, coreJar(), false) + " "
                + relativeUrl(dir, testClasses(), true));
        attributes.forEach((name, value) -> main.put(new Attributes.Name(name), value));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + jar, e);
        }
        List<String> command = new ArrayList<>();
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(Arrays.asList(probes));
        return run(command);
    }

    /** A Class-Path entry: {@code target} as a URL relative to {@code dir}. */
    private static String relativeUrl(Path dir, Path target, boolean directory) {
        Path relative = dir.toAbsolutePath().normalize().relativize(target.toAbsolutePath().normalize());
        StringBuilder path = new StringBuilder();
        for (Path part : relative) {
            path.append(path.length() == 0 ? "" : "/").append(part);
        }
        if (directory) {
            path.append('/');
        }
        try {
            return new URI(null, null, path.toString(), null).toASCIIString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(path.toString(), e);
        }
    }

    private static ChildProcess run(List<String> arguments) {
        return ChildProcess.runJava(arguments, ChildProbe.PREFIX);
    }
}
