package dev.hygiene.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the agent costs a JVM's start (issue 13: "JVM start-up cost of the agent measured"): each
 * invocation starts a child JVM, {@code java -cp benchmarks.jar StartupBenchmark$Child}, and
 * measures the time until the child has printed its line, then lets it exit outside the measured
 * time. Parameters:
 * <ul>
 * <li>{@link #jvm}: {@code plain}, the child with {@code --add-opens java.base/java.lang=ALL-UNNAMED}
 *     (what an application that builds hygienic pools in code starts with), or {@code agent}, the
 *     child with {@code -javaagent:benchmarks/target/hygiene-agent.jar} (ENFORCE) instead;
 * <li>{@link #until}: {@code main}, the first statement of {@code main}: the time to main, which is
 *     where the agent's {@code premain} (opening {@code java.lang}, parsing, registering its MBean,
 *     retransforming the loaded run loops) is paid; or {@code firstTask}, the end of one task run on a
 *     new {@code ThreadPoolExecutor}, which adds the rewriting of {@code ThreadPoolExecutor} when it
 *     is loaded and the first scope.
 * </ul>
 * The agent jar's path is relative to the project root, which {@code benchmarks/run.sh} runs from.
 * The setup runs the agent child once and fails if its INFO line is missing, so that a figure is
 * never that of a JVM which ran without the agent.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(value = 2, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class StartupBenchmark {

    static final String AGENT_JAR = "benchmarks/target/hygiene-agent.jar";

    /** {@code plain} or {@code agent}: see the class comment. */
    @Param({"plain", "agent"})
    String jvm;

    /** {@code main} or {@code firstTask}: see the class comment. */
    @Param({"main", "firstTask"})
    String until;

    private List<String> command;
    private Process child;

    @Setup(Level.Trial)
    public void command() throws Exception {
        command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        switch (jvm) {
            case "plain":
                command.add("--add-opens");
                command.add("java.base/java.lang=ALL-UNNAMED");
                break;
            case "agent":
                if (!Files.isRegularFile(Path.of(AGENT_JAR))) {
                    throw new IllegalStateException("no " + AGENT_JAR + " under " + Path.of("").toAbsolutePath()
                            + ": build the benchmarks module, and run from the project root (benchmarks/run.sh does)");
                }
                command.add("-javaagent:" + AGENT_JAR);
                break;
            default:
                throw new IllegalArgumentException("unknown jvm " + jvm + ": plain or agent");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Child.class.getName());
        switch (until) {
            case "main":
                break;
            case "firstTask":
                command.add("firstTask");
                break;
            default:
                throw new IllegalArgumentException("unknown until " + until + ": main or firstTask");
        }
        if (jvm.equals("agent")) {
            Process check = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (check.waitFor() != 0 || !output.contains("hygiene-agent (ENFORCE, hygiene 'agent'): instrumented")) {
                throw new IllegalStateException("the child did not start with the agent: " + command + "\n" + output);
            }
        }
    }

    /**
     * Starts a child JVM and waits for its line.
     *
     * @return the line, so that it is used
     * @throws IOException if the child cannot be started or ends without its line
     */
    @Benchmark
    public String start() throws IOException {
        child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.equals(until)) {
            throw new IOException("child printed " + line + ", expected " + until + ": " + command);
        }
        return line;
    }

    @TearDown(Level.Invocation)
    public void awaitExit() throws Exception {
        if (child != null && (!child.waitFor(30, TimeUnit.SECONDS) || child.exitValue() != 0)) {
            child.destroyForcibly();
            throw new IllegalStateException("child did not exit cleanly: " + command);
        }
        child = null;
    }

    /** The child JVM's program: prints one line at the point {@link #until} names, then exits. */
    public static final class Child {

        private Child() {
        }

        /**
         * Prints {@code main}, or runs one task on a new pool and prints {@code firstTask}.
         *
         * @param args empty, or {@code firstTask}
         * @throws Exception if the task fails
         */
        public static void main(String[] args) throws Exception {
            if (args.length == 0) {
                System.out.println("main");
                return;
            }
            ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
            pool.submit(() -> { }).get(30, TimeUnit.SECONDS);
            System.out.println("firstTask");
            pool.shutdown();
        }
    }
}
