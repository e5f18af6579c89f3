package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The system properties behind {@link ThreadHygiene#defaults()}: how {@code hygiene.mode} and
 * {@code hygiene.retain} are read, what a bad value says, and when {@code defaults()} shares its
 * instance. Each test starts with both properties cleared and puts back whatever was there before.
 */
class ConfigTest {

    private static final String MODE = "hygiene.mode";
    private static final String RETAIN = "hygiene.retain";

    private String savedMode;
    private String savedRetain;

    @BeforeEach
    void clearProperties() {
        savedMode = System.getProperty(MODE);
        savedRetain = System.getProperty(RETAIN);
        System.clearProperty(MODE);
        System.clearProperty(RETAIN);
    }

    @AfterEach
    void restoreProperties() {
        try {
            restore(MODE, savedMode);
        } finally {
            restore(RETAIN, savedRetain);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    private static void assertContains(String text, String... parts) {
        for (String part : parts) {
            assertTrue(text.contains(part), () -> "'" + text + "' should contain '" + part + "'");
        }
    }

    // ---- hygiene.mode

    @Test
    void unsetModeEnforces() {
        assertEquals(Mode.ENFORCE, Config.parseMode(null));
    }

    @Test
    void readsEachModeInAnyCaseIgnoringSurroundingBlanks() {
        assertEquals(Mode.ENFORCE, Config.parseMode("enforce"));
        assertEquals(Mode.ENFORCE, Config.parseMode("ENFORCE"));
        assertEquals(Mode.AUDIT, Config.parseMode("audit"));
        assertEquals(Mode.AUDIT, Config.parseMode("Audit"));
        assertEquals(Mode.OFF, Config.parseMode("off"));
        assertEquals(Mode.OFF, Config.parseMode(" OFF "));
    }

    @Test
    void rejectsUnknownModeNamingPropertyValueAndAllowedValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Config.parseMode("bogus"));
        assertContains(e.getMessage(), "hygiene.mode", "'bogus'", "enforce", "audit", "off");
    }

    @Test
    void rejectsEmptyModeRatherThanGuessingOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Config.parseMode(""));
        assertContains(e.getMessage(), "hygiene.mode", "''", "enforce", "audit", "off");
    }

    @Test
    void readsUpperCaseModeWhateverTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            // in Turkish, "AUDIT".toLowerCase() is "aud\u0131t", with a dotless i
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertEquals(Mode.AUDIT, Config.parseMode("AUDIT"));
        } finally {
            Locale.setDefault(saved);
        }
    }

    // ---- hygiene.retain

    @Test
    void unsetOrBlankRetainRetainsNothing() {
        assertEquals(List.of(), Config.parseRetain(null));
        assertEquals(List.of(), Config.parseRetain(""));
        assertEquals(List.of(), Config.parseRetain("  "));
    }

    @Test
    void readsRetainPrefixesTrimmedInOrder() {
        assertEquals(List.of("com.acme.", "org.slf4j.MDC", "Foo$Bar"),
                Config.parseRetain("com.acme., org.slf4j.MDC ,Foo$Bar"));
    }

    @Test
    void rejectsEmptyRetainItemNamingPropertyValueAndItem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Config.parseRetain("com.acme.,,x"));
        assertContains(e.getMessage(), "hygiene.retain", "'com.acme.,,x'", "item 2", "empty");
    }

    @Test
    void rejectsTrailingCommaAsAnEmptyItem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Config.parseRetain("com.acme.,"));
        assertContains(e.getMessage(), "hygiene.retain", "item 2", "empty");
    }

    @Test
    void rejectsRetainPrefixThatCannotStartAClassNameNamingIt() {
        for (String bad : new String[] {"com.ac-me", "1com", "com..acme", ".com", "com acme"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Config.parseRetain("org.ok.," + bad), bad);
            assertContains(e.getMessage(), "hygiene.retain", "item 2", "'" + bad.trim() + "'");
        }
    }

    // ---- defaults()

    @Test
    void defaultsEnforcesWithDefaultNameWhenPropertiesAreUnset() {
        ThreadHygiene hygiene = ThreadHygiene.defaults();
        assertEquals(Mode.ENFORCE, hygiene.policy().mode());
        assertEquals(Config.DEFAULT_NAME, hygiene.policy().name());
        assertEquals(List.of(), hygiene.policy().retainedTypes());
    }

    @Test
    void defaultsReturnsSameInstanceWhilePropertiesAreUnchanged() {
        ThreadHygiene first = ThreadHygiene.defaults();
        assertSame(first, ThreadHygiene.defaults());

        System.setProperty(MODE, "audit");
        System.setProperty(RETAIN, "com.acme.");
        ThreadHygiene configured = ThreadHygiene.defaults();
        assertSame(configured, ThreadHygiene.defaults());
        assertSame(configured.stats(), ThreadHygiene.defaults().stats());
    }

    @Test
    void defaultsReturnsNewInstanceAfterModeChanges() {
        ThreadHygiene unset = ThreadHygiene.defaults();
        System.setProperty(MODE, "audit");
        ThreadHygiene audit = ThreadHygiene.defaults();
        assertNotSame(unset, audit);
        assertEquals(Mode.AUDIT, audit.policy().mode());

        System.setProperty(MODE, "off");
        ThreadHygiene off = ThreadHygiene.defaults();
        assertNotSame(audit, off);
        assertEquals(Mode.OFF, off.policy().mode());

        System.clearProperty(MODE);
        ThreadHygiene cleared = ThreadHygiene.defaults();
        assertNotSame(off, cleared);
        assertEquals(Mode.ENFORCE, cleared.policy().mode());
    }

    @Test
    void defaultsReturnsNewInstanceAfterRetainChanges() {
        ThreadHygiene unset = ThreadHygiene.defaults();
        System.setProperty(RETAIN, "com.acme., org.slf4j.MDC");
        ThreadHygiene retaining = ThreadHygiene.defaults();
        assertNotSame(unset, retaining);
        assertEquals(List.of("com.acme.", "org.slf4j.MDC"), retaining.policy().retainedTypes());

        System.setProperty(RETAIN, "com.acme.");
        ThreadHygiene changed = ThreadHygiene.defaults();
        assertNotSame(retaining, changed);
        assertEquals(List.of("com.acme."), changed.policy().retainedTypes());
    }

    @Test
    void defaultsInModeOffPassesTasksThrough() {
        System.setProperty(MODE, "OFF");
        Runnable task = () -> { };
        Runnable wrapped = ThreadHygiene.defaults().wrap(task);
        assertSame(task, ((TaskWrapper) wrapped).wrappedTask(), "wrapped so that a later switch applies to it");
    }

    @Test
    void defaultsInModeOffIgnoresRetainSoTheKillSwitchAlwaysWorks() {
        System.setProperty(MODE, "off");
        System.setProperty(RETAIN, "com.acme., org.slf4j.MDC");
        ThreadHygiene off = ThreadHygiene.defaults();
        assertEquals(Mode.OFF, off.policy().mode());
        assertEquals(List.of(), off.policy().retainedTypes());

        System.setProperty(RETAIN, "com.acme.,,x");
        ThreadHygiene offWithBadRetain = ThreadHygiene.defaults();
        assertEquals(Mode.OFF, offWithBadRetain.policy().mode(), "a bad hygiene.retain does not block the kill switch");
        Runnable task = () -> { };
        assertSame(task, ((TaskWrapper) offWithBadRetain.wrap(task)).wrappedTask());

        System.setProperty(MODE, "audit");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ThreadHygiene::defaults,
                "outside OFF the same value fails");
        assertContains(e.getMessage(), "hygiene.retain", "com.acme.,,x");
        System.setProperty(RETAIN, "com.acme.");
        assertEquals(List.of("com.acme."), ThreadHygiene.defaults().policy().retainedTypes());
    }

    @Test
    void defaultsFailsOnBadModeNamingPropertyAndWorksAgainOnceFixed() {
        ThreadHygiene before = ThreadHygiene.defaults();
        System.setProperty(MODE, "bogus");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ThreadHygiene::defaults);
        assertContains(e.getMessage(), "hygiene.mode", "bogus", "enforce", "audit", "off");
        assertThrows(IllegalArgumentException.class, ThreadHygiene::defaults, "still bad: fails every time");

        System.clearProperty(MODE);
        ThreadHygiene after = ThreadHygiene.defaults();
        assertEquals(Mode.ENFORCE, after.policy().mode());
        assertSame(before, after, "a failed lookup does not replace the shared instance");
    }

    @Test
    void defaultsFailsOnBadRetainNamingProperty() {
        System.setProperty(RETAIN, "com.acme.,,x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ThreadHygiene::defaults);
        assertContains(e.getMessage(), "hygiene.retain", "com.acme.,,x");
    }

    /**
     * "Shared by everything that asks while the properties stay the same" must hold for callers that
     * ask at the same moment too, such as pools built in parallel at startup: otherwise each gets its
     * own stats.
     */
    @Test
    void concurrentCallersAfterAChangeShareOneInstance() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 2_000; round++) {
                System.setProperty(RETAIN, "com.acme.round" + round + ".");
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<ThreadHygiene>> calls = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    calls.add(pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        return ThreadHygiene.defaults();
                    }));
                }
                Set<ThreadHygiene> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
                for (Future<ThreadHygiene> call : calls) {
                    distinct.add(call.get(30, TimeUnit.SECONDS));
                }
                int r = round;
                assertEquals(1, distinct.size(), () -> "round " + r + ": callers that raced on the same "
                        + "property values got different instances, so their stats are split: " + distinct);
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }
}
