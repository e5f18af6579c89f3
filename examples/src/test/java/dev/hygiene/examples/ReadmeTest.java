package dev.hygiene.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Every Java block of the README is compiled and run: each must stand, line for line, in a region
 * of an examples source file marked {@code // README:<name>} ... {@code // README:end}.
 */
class ReadmeTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyJavaBlockOfTheReadmeIsCompiledExampleCode() throws IOException {
        List<String> blocks = javaBlocks(Files.readAllLines(ROOT.resolve("README.md")));
        assertFalse(blocks.isEmpty(), "the README has Java examples");
        List<String> regions = markedRegions();
        for (String block : blocks) {
            assertTrue(regions.contains(block), "README block is not in any examples region:\n" + block
                    + "\nregions:\n" + regions);
        }
    }

    @Test
    void wrapExampleLeavesNothingForTheNextTask() throws Exception {
        String out = ExamplesTest.captureOut(() -> WrapExample.main(new String[0]));
        assertTrue(out.contains("next task saw tenant: null"), out);
    }

    @Test
    void policyExampleRunsAndAudits() throws Exception {
        String out = ExamplesTest.captureOut(() -> PolicyExample.main(new String[0]));
        assertTrue(out.contains("hygiene 'http-workers' (AUDIT): 1 tasks, 1 with leftovers"), out);
    }

    @Test
    void seamsExampleFinishesWithTheSubmittedTasksLeftoverAndRestores() throws Exception {
        String out = ExamplesTest.captureOut(() -> SeamsExample.main(new String[0]));
        assertTrue(out.contains(SeamsExample.OrderHandler.class.getName()
                + " left java.lang.ThreadLocal -> java.lang.String"), out);
        assertTrue(out.contains("after the scope: null"), out);
    }

    @Test
    void junitExampleFailsWithTheMessageThatTheReadmeShows() throws IOException {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .enableImplicitConfigurationParameters(false)
                .selectors(DiscoverySelectors.selectClass(UserContextTest.class))
                .execute();
        Throwable failure = results.testEvents().failed().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow())
                .findFirst()
                .orElseThrow(() -> new AssertionError("UserContextTest did not fail"));
        assertNull(UserContextTest.CURRENT.get(), "the extension restored the thread");
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertTrue(readme.contains("\n" + failure.getClass().getName() + ": " + failure.getMessage() + "\n"),
                "the README shows the failure as it is:\n" + failure);
    }

    private static List<String> javaBlocks(List<String> lines) {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : lines) {
            if (block == null && line.trim().equals("```java")) {
                block = new StringBuilder();
            } else if (block != null && line.trim().equals("```")) {
                blocks.add(normalize(block.toString()));
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }

    private static List<String> markedRegions() throws IOException {
        List<String> regions = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve("examples/src/main/java"))) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                StringBuilder region = null;
                for (String line : Files.readAllLines(file)) {
                    String trimmed = line.trim();
                    if (trimmed.startsWith("// README:") && !trimmed.equals("// README:end")) {
                        region = new StringBuilder();
                    } else if (trimmed.equals("// README:end") && region != null) {
                        regions.add(normalize(region.toString()));
                        region = null;
                    } else if (region != null) {
                        region.append(line).append('\n');
                    }
                }
            }
        }
        return regions;
    }

    /** Lines without their common indentation, trailing blanks dropped. */
    private static String normalize(String text) {
        String[] lines = text.split("\n", -1);
        int indent = Integer.MAX_VALUE;
        for (String line : lines) {
            if (!line.isBlank()) {
                indent = Math.min(indent, line.length() - line.stripLeading().length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line.isBlank() ? "" : line.substring(indent).stripTrailing()).append('\n');
        }
        return out.toString().strip();
    }
}
