package dev.hygiene.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

/**
 * Runs a {@link Sample} class in the Jupiter engine, on the calling thread (unless the sample runs
 * in parallel), with the extension autodetected or not, and reads what its tests did.
 */
final class TestKit {

    private TestKit() {
    }

    /** Runs {@code sample} with the extension registered for the whole run by autodetection. */
    static EngineExecutionResults withHygiene(Class<?> sample, String... parameters) {
        return run(sample, true, parameters);
    }

    /** The control: runs {@code sample} without autodetection, so without the extension unless it says so. */
    static EngineExecutionResults without(Class<?> sample, String... parameters) {
        return run(sample, false, parameters);
    }

    private static EngineExecutionResults run(Class<?> sample, boolean autodetect, String... parameters) {
        Map<String, String> config = new HashMap<>();
        config.put(Sample.PARAMETER, "run");
        config.put("junit.jupiter.extensions.autodetection.enabled", String.valueOf(autodetect));
        for (int i = 0; i < parameters.length; i += 2) {
            config.put(parameters[i], parameters[i + 1]);
        }
        return EngineTestKit.engine("junit-jupiter")
                .enableImplicitConfigurationParameters(false)
                .configurationParameters(config)
                .selectors(selectClass(sample))
                .execute();
    }

    /** The test events of the one test named {@code method} (its display name starts with it). */
    static List<Event> test(EngineExecutionResults results, String method) {
        return results.testEvents().filter(e -> e.getTestDescriptor().getDisplayName().startsWith(method + "("))
                .toList();
    }

    /** How the test {@code method} ended. */
    static TestExecutionResult result(EngineExecutionResults results, String method) {
        return finished(test(results, method), method);
    }

    /** How the sample class's container ended. */
    static TestExecutionResult classResult(EngineExecutionResults results, Class<?> sample) {
        return finished(results.containerEvents().filter(e -> e.getTestDescriptor().getSource()
                .filter(source -> source instanceof ClassSource && ((ClassSource) source).getJavaClass() == sample)
                .isPresent()).toList(), sample.getName());
    }

    /** The failure of the test {@code method}, which must have failed. */
    static Throwable failure(EngineExecutionResults results, String method) {
        TestExecutionResult result = result(results, method);
        if (result.getStatus() != TestExecutionResult.Status.FAILED) {
            throw new AssertionError(method + " did not fail: " + result);
        }
        return result.getThrowable().orElseThrow();
    }

    /** The value of report entry {@code key} that the test {@code method} published, if any. */
    static Optional<String> reportEntry(EngineExecutionResults results, String method, String key) {
        return test(results, method).stream()
                .filter(e -> e.getType() == EventType.REPORTING_ENTRY_PUBLISHED)
                .map(e -> e.getPayload(org.junit.platform.engine.reporting.ReportEntry.class).orElseThrow())
                .map(r -> r.getKeyValuePairs().get(key))
                .filter(v -> v != null)
                .findFirst();
    }

    private static TestExecutionResult finished(List<Event> events, String what) {
        return events.stream()
                .filter(e -> e.getType() == EventType.FINISHED)
                .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow())
                .reduce((a, b) -> {
                    throw new AssertionError("more than one " + what);
                })
                .orElseThrow(() -> new AssertionError("no finished event of " + what + " in "
                        + events.stream().map(Event::toString).toList()));
    }
}
