package dev.hygiene.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM of the JDK that runs the tests, run to its end: its command, exit code and output,
 * and the {@code key=value} lines that its main class, a probe, printed after a given prefix.
 *
 * <p>The child's JVM options are exactly the ones a test gives: the environment variables through
 * which the launcher would add options of its own ({@code JAVA_TOOL_OPTIONS},
 * {@code JDK_JAVA_OPTIONS}, {@code _JAVA_OPTIONS}) are removed, so that a child started "without
 * access" really has none. Its standard input is empty; its output goes to temporary files, read
 * once it has exited, so a child that prints much never blocks on a full pipe. Every failure
 * message carries {@link #describe()}: the command and all the child printed.
 *
 * <pre>{@code
 * ChildProcess child = ChildProcess.runJava(List.of("-cp", classPath, Probe.class.getName()), "probe.");
 * child.assertExitCode(0).assertValue("supported", "true");
 * }</pre>
 */
public final class ChildProcess {

    /** How long a child may run before it is killed and the test fails. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final List<String> LAUNCHER_ENVIRONMENT =
            List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private final List<String> command;
    private final int exitCode;
    private final String stdout;
    private final String stderr;
    private final Map<String, String> values;

    private ChildProcess(List<String> command, int exitCode, String stdout, String stderr, String prefix) {
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.stderr = stderr;
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String line : stdout.split("\\R")) {
            int eq = line.indexOf('=');
            if (line.startsWith(prefix) && eq > 0) {
                parsed.put(line.substring(prefix.length(), eq), line.substring(eq + 1));
            }
        }
        this.values = Collections.unmodifiableMap(parsed);
    }

    /**
     * Runs {@code java} of the JDK that runs the tests ({@code java.home}) with {@code arguments}
     * and waits for it to exit.
     *
     * @param arguments everything after {@code java}: options, then the main class or
     *     {@code -jar}, {@code --module}, and its arguments
     * @param prefix the prefix of the child's result lines, such as {@code "probe."}; a line
     *     {@code probe.key=value} gives {@link #value(String) value("key")}
     * @return the finished child, whatever its exit code
     * @throws AssertionError when the child did not exit within {@link #TIMEOUT} (it is then
     *     killed), or the waiting thread was interrupted
     * @throws UncheckedIOException when the child cannot be started
     */
    public static ChildProcess runJava(List<String> arguments, String prefix) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(arguments);
        Path out;
        Path err;
        try {
            out = Files.createTempFile("hygiene-child-", ".out");
            err = Files.createTempFile("hygiene-child-", ".err");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File(isWindows() ? "NUL" : "/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            LAUNCHER_ENVIRONMENT.forEach(builder.environment()::remove);
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                ChildProcess partial = new ChildProcess(command, Integer.MIN_VALUE, read(out), read(err), prefix);
                fail("child JVM did not exit within " + TIMEOUT.toSeconds() + " s and was killed\n"
                        + partial.describe());
            }
            return new ChildProcess(command, process.exitValue(), read(out), read(err), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + command, e);
        } finally {
            delete(out);
            delete(err);
        }
    }

    private static boolean isWindows() {
        return File.separatorChar == '\\';
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<cannot read " + file + ": " + e + ">";
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temp file; the OS cleans up
        }
    }

    /**
     * The command the child ran.
     *
     * @return the command line, {@code java} first
     */
    public List<String> command() {
        return command;
    }

    /**
     * How the child exited.
     *
     * @return its exit code
     */
    public int exitCode() {
        return exitCode;
    }

    /**
     * What the child printed on its standard output.
     *
     * @return the whole output, result lines included
     */
    public String stdout() {
        return stdout;
    }

    /**
     * What the child printed on its standard error.
     *
     * @return the whole output
     */
    public String stderr() {
        return stderr;
    }

    /**
     * Asserts the child's exit code.
     *
     * @param expected the exit code the child must have exited with
     * @return this child, for further assertions
     */
    public ChildProcess assertExitCode(int expected) {
        assertEquals(expected, exitCode, () -> "exit code\n" + describe());
        return this;
    }

    /**
     * The value the child printed for {@code key}; fails, with the child's whole output, when it
     * printed none.
     *
     * @param key the key, without the prefix
     * @return the text after {@code =} on the last line for that key
     */
    public String value(String key) {
        String value = values.get(key);
        if (value == null) {
            fail("the child printed no '" + key + "'\n" + describe());
        }
        return value;
    }

    /**
     * Asserts that the child printed {@code expected} for {@code key}.
     *
     * @param key the key, without the prefix
     * @param expected the value the child must have printed
     * @return this child, for further assertions
     */
    public ChildProcess assertValue(String key, String expected) {
        assertEquals(expected, value(key), () -> "value of '" + key + "' printed by the child\n" + describe());
        return this;
    }

    /**
     * Asserts that the value the child printed for {@code key} contains each of {@code parts}.
     *
     * @param key the key, without the prefix
     * @param parts what the value must contain
     * @return this child, for further assertions
     */
    public ChildProcess assertValueContains(String key, String... parts) {
        String value = value(key);
        for (String part : parts) {
            assertTrue(value.contains(part), () -> "'" + key + "' should contain '" + part + "'\n" + describe());
        }
        return this;
    }

    /**
     * The JDK, command, exit code, stdout and stderr, for failure messages.
     *
     * @return a multi-line description
     */
    public String describe() {
        return "--- JDK " + Runtime.version() + ", command: " + String.join(" ", command)
                + "\n--- exit code: " + (exitCode == Integer.MIN_VALUE ? "none (killed)" : exitCode)
                + "\n--- stdout:\n" + withNewline(stdout)
                + "--- stderr:\n" + withNewline(stderr)
                + "--- end of child output";
    }

    private static String withNewline(String text) {
        return text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
    }

    /**
     * The same as {@link #describe()}.
     *
     * @return a multi-line description
     */
    @Override
    public String toString() {
        return describe();
    }
}
