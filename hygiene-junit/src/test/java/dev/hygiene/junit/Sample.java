package dev.hygiene.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a sample test class that only {@link TestKit} runs: anywhere else (an IDE running every
 * class of the package, a build that scans nested classes) it is disabled. Surefire skips nested
 * classes anyway.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(Sample.OnlyInTestKit.class)
@interface Sample {

    /** The configuration parameter that {@link TestKit} sets. */
    String PARAMETER = "hygiene.junit.samples";

    /** Enables a sample only when {@link #PARAMETER} is {@code run}. */
    final class OnlyInTestKit implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(PARAMETER).filter("run"::equals).isPresent()
                    ? ConditionEvaluationResult.enabled("run by TestKit")
                    : ConditionEvaluationResult.disabled("a sample for ThreadHygieneExtension's tests; TestKit runs it");
        }
    }
}
