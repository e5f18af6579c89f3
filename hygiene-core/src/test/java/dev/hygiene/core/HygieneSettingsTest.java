package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The settings parser that every configuration source shares names the source in its errors. */
class HygieneSettingsTest {

    @Test
    void parsesModesInAnyCaseAroundBlanks() {
        assertEquals(Mode.ENFORCE, HygieneSettings.parseMode("enforce", "s"));
        assertEquals(Mode.AUDIT, HygieneSettings.parseMode(" AUDIT ", "s"));
        assertEquals(Mode.OFF, HygieneSettings.parseMode("Off", "s"));
    }

    @Test
    void badModeNamesTheSettingTheValueAndWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HygieneSettings.parseMode("enforcing", "agent option mode"));
        assertEquals("agent option mode is 'enforcing'; allowed values are enforce, audit and off (in any case)",
                e.getMessage());
        NullPointerException unset = assertThrows(NullPointerException.class,
                () -> HygieneSettings.parseMode(null, "agent option mode"));
        assertTrue(unset.getMessage().contains("agent option mode"), unset.getMessage());
    }

    @Test
    void parsesRetainRulesWithTheSeparatorOfTheSource() {
        assertEquals(List.of("com.acme.", "org.slf4j.MDC"),
                HygieneSettings.parseRetain("com.acme. : org.slf4j.MDC", ':', "agent option retain"));
        IllegalArgumentException colon = assertThrows(IllegalArgumentException.class,
                () -> HygieneSettings.parseRetain("com.acme.:org.slf4j.MDC", ',', "p"));
        assertTrue(colon.getMessage().contains("has ':'"), "a ':' is no separator for ',': " + colon.getMessage());
        assertEquals(List.of(), HygieneSettings.parseRetain(null, ',', "p"));
        assertEquals(List.of(), HygieneSettings.parseRetain("  ", ',', "p"));
    }

    @Test
    void badRetainItemNamesTheSettingTheItemAndAnExample() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HygieneSettings.parseRetain("com.acme.::x", ':', "agent option retain"));
        assertEquals("agent option retain is 'com.acme.::x': item 2 ('') is empty; allowed is a list of class-name "
                + "prefixes separated by ':', such as com.fasterxml.jackson.:org.slf4j.MDC", e.getMessage());
    }
}
