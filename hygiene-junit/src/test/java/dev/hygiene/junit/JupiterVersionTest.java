package dev.hygiene.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The suite runs on the JUnit Jupiter its build asked for: hygiene-junit's own build on the
 * project's, and the modules that run this test-jar again on theirs (JUnit 5.10, JUnit 6).
 */
class JupiterVersionTest {

    @Test
    void runsOnTheJupiterVersionThatTheBuildChose() {
        String expected = System.getProperty("hygiene.expected.jupiter");
        assertEquals(expected, Test.class.getPackage().getImplementationVersion(), "junit-jupiter-api");
        assertEquals(expected, org.junit.jupiter.engine.JupiterTestEngine.class.getPackage().getImplementationVersion(),
                "junit-jupiter-engine");
    }
}
