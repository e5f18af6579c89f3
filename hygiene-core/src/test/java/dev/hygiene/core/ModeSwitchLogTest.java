package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.core.internal.LeftoverLog;
import dev.hygiene.testsupport.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every mode change is logged once, naming the hygiene and both modes; a switch to the current mode is not. */
class ModeSwitchLogTest {

    private LogCapture log;

    @BeforeEach
    void start() {
        log = LogCapture.start(LeftoverLog.LOGGER_NAME);
    }

    @AfterEach
    void stop() {
        log.stop();
    }

    @Test
    void eachSwitchIsLoggedOnceNamingTheHygieneAndBothModes() {
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().name("logged-switch").jmx(false).build());
        assertEquals(Mode.ENFORCE, hygiene.switchMode(Mode.AUDIT));
        assertEquals(Mode.AUDIT, hygiene.switchMode(Mode.AUDIT));
        assertEquals(Mode.AUDIT, hygiene.switchMode(Mode.OFF));
        List<String> switches = new ArrayList<>();
        for (LogRecord r : log.records()) {
            if (r.getMessage().contains("switched")) {
                assertEquals(Level.INFO, r.getLevel());
                switches.add(r.getMessage());
            }
        }
        assertEquals(2, switches.size(), switches.toString());
        assertTrue(switches.get(0).startsWith("hygiene 'logged-switch' switched from ENFORCE to AUDIT"), switches.get(0));
        assertTrue(switches.get(1).startsWith("hygiene 'logged-switch' switched from AUDIT to OFF"), switches.get(1));
        assertEquals("ThreadHygiene[logged-switch, OFF]", hygiene.toString());
        assertEquals(Mode.ENFORCE, hygiene.policy().mode(), "the policy is as built");
    }
}
