package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@link HygienePolicy.Builder}: each setting is validated at once, with a message that names the
 * setting and its value; single-valued settings may be made once; {@code build()} rejects OFF with a
 * listener or retain rules, saying what to do instead; a policy built without settings enforces with
 * the documented defaults; a built policy never changes afterwards.
 */
class HygienePolicyBuilderTest {

    private static final LeftoverListener LISTENER = new LeftoverListener() {
        @Override
        public void onLeftovers(Thread worker, List<Leftover> leftovers) {
        }

        @Override
        public String toString() {
            return "the-first-listener";
        }
    };

    private static void assertContains(String text, String... parts) {
        for (String part : parts) {
            assertTrue(text != null && text.contains(part), () -> "'" + text + "' should contain '" + part + "'");
        }
    }

    private static <T extends Throwable> T assertThrowsNaming(Class<T> type, Executable call, String... parts) {
        T e = assertThrows(type, call);
        assertContains(e.getMessage(), parts);
        return e;
    }

    // ---- defaults

    @Test
    void policyBuiltWithoutSettingsEnforcesBothMapsAndThreadStateWithDefaultName() {
        HygienePolicy policy = HygienePolicy.builder().build();
        assertEquals(Mode.ENFORCE, policy.mode());
        assertTrue(policy.inheritable());
        assertTrue(policy.restoreThreadState());
        assertEquals(HygienePolicy.DEFAULT_NAME, policy.name());
        assertEquals("hygiene", policy.name());
        assertEquals(List.of(), policy.retainedTypes());
        assertEquals(0, policy.retainedLocals().size());
        assertNull(policy.leftoverListener());
    }

    @Test
    void builtPolicyHasEverySettingGiven() {
        ThreadLocal<String> local = new ThreadLocal<>();
        HygienePolicy policy = HygienePolicy.builder()
                .mode(Mode.AUDIT)
                .name("http-workers")
                .retain(local)
                .retainTypes("com.acme.", "org.slf4j.MDC")
                .inheritable(false)
                .restoreThreadState(false)
                .onLeftovers(LISTENER)
                .build();
        assertEquals(Mode.AUDIT, policy.mode());
        assertEquals("http-workers", policy.name());
        assertEquals(1, policy.retainedLocals().size());
        assertSame(local, policy.retainedLocals().get(0).get());
        assertEquals(List.of("com.acme.", "org.slf4j.MDC"), policy.retainedTypes());
        assertFalse(policy.inheritable());
        assertFalse(policy.restoreThreadState());
        assertSame(LISTENER, policy.leftoverListener());
    }

    @Test
    void retainSettingsAddUpAcrossCalls() {
        ThreadLocal<String> a = new ThreadLocal<>();
        ThreadLocal<String> b = new ThreadLocal<>();
        HygienePolicy policy = HygienePolicy.builder()
                .retainTypes("com.acme.").retainTypes("org.slf4j.MDC", "Foo$Bar")
                .retain(a).retain(b)
                .build();
        assertEquals(List.of("com.acme.", "org.slf4j.MDC", "Foo$Bar"), policy.retainedTypes());
        assertEquals(2, policy.retainedLocals().size());
    }

    // ---- null arguments

    @Test
    void rejectsNullModeNamingIt() {
        assertThrowsNaming(NullPointerException.class, () -> HygienePolicy.builder().mode(null), "mode");
    }

    @Test
    void rejectsNullNameNamingIt() {
        assertThrowsNaming(NullPointerException.class, () -> HygienePolicy.builder().name(null), "name");
    }

    @Test
    void rejectsNullListenerNamingIt() {
        assertThrowsNaming(NullPointerException.class, () -> HygienePolicy.builder().onLeftovers(null), "listener");
    }

    @Test
    void rejectsNullLocalsArrayNamingIt() {
        assertThrowsNaming(NullPointerException.class,
                () -> HygienePolicy.builder().retain((ThreadLocal<?>[]) null), "locals");
    }

    @Test
    void rejectsNullLocalNamingItsIndexAndRetainsNoneOfTheCall() {
        HygienePolicy.Builder builder = HygienePolicy.builder();
        assertThrowsNaming(NullPointerException.class,
                () -> builder.retain(new ThreadLocal<>(), null), "locals[1]");
        assertEquals(0, builder.build().retainedLocals().size());
    }

    @Test
    void rejectsNullPrefixArrayNamingIt() {
        assertThrowsNaming(NullPointerException.class,
                () -> HygienePolicy.builder().retainTypes((String[]) null), "classNamePrefixes");
    }

    @Test
    void rejectsNullPrefixNamingItsIndexAndRetainsNoneOfTheCall() {
        HygienePolicy.Builder builder = HygienePolicy.builder();
        assertThrowsNaming(NullPointerException.class,
                () -> builder.retainTypes("com.acme.", null), "classNamePrefixes[1]");
        assertEquals(List.of(), builder.build().retainedTypes());
    }

    // ---- bad values

    @Test
    void rejectsBlankName() {
        for (String blank : new String[] {"", " ", "\t\n"}) {
            assertThrowsNaming(IllegalArgumentException.class, () -> HygienePolicy.builder().name(blank), "name");
        }
    }

    @Test
    void rejectsPrefixThatCannotStartAClassNameNamingIt() {
        for (String bad : new String[] {"", "com..acme", "1com", "com.ac-me", ".com", "com.1acme", "com acme",
                "com/acme"}) {
            assertThrowsNaming(IllegalArgumentException.class, () -> HygienePolicy.builder().retainTypes(bad),
                    "'" + bad + "'");
        }
    }

    @Test
    void rejectsWholeRetainTypesCallWhenOnePrefixIsBad() {
        HygienePolicy.Builder builder = HygienePolicy.builder().retainTypes("org.kept.");
        assertThrowsNaming(IllegalArgumentException.class, () -> builder.retainTypes("com.acme.", "com.ac-me"),
                "'com.ac-me'");
        assertEquals(List.of("org.kept."), builder.build().retainedTypes());
    }

    @Test
    void acceptsPrefixesOfPackagesClassesAndNestedClasses() {
        List<String> good = List.of("com.acme.", "org.slf4j.MDC", "Foo$Bar", "com", "_x.y", "$Proxy",
                "com.fasterxml.jackson.core.util.BufferRecycler", "caf\u00e9.");
        for (String prefix : good) {
            assertEquals(List.of(prefix), HygienePolicy.builder().retainTypes(prefix).build().retainedTypes(), prefix);
        }
    }

    // ---- set twice

    @Test
    void rejectsSecondModeNamingTheFirstAndKeepsIt() {
        HygienePolicy.Builder builder = HygienePolicy.builder().mode(Mode.AUDIT);
        assertThrowsNaming(IllegalStateException.class, () -> builder.mode(Mode.ENFORCE), "mode", "AUDIT");
        assertThrowsNaming(IllegalStateException.class, () -> builder.mode(Mode.AUDIT), "mode", "AUDIT");
        assertEquals(Mode.AUDIT, builder.build().mode());
    }

    @Test
    void rejectsSecondNameNamingTheFirstAndKeepsIt() {
        HygienePolicy.Builder builder = HygienePolicy.builder().name("first-pool");
        assertThrowsNaming(IllegalStateException.class, () -> builder.name("second-pool"), "name", "first-pool");
        assertEquals("first-pool", builder.build().name());
    }

    @Test
    void rejectsSecondInheritableNamingTheFirstAndKeepsIt() {
        HygienePolicy.Builder builder = HygienePolicy.builder().inheritable(false);
        assertThrowsNaming(IllegalStateException.class, () -> builder.inheritable(true), "inheritable", "false");
        assertFalse(builder.build().inheritable());
    }

    @Test
    void rejectsSecondRestoreThreadStateNamingTheFirstAndKeepsIt() {
        HygienePolicy.Builder builder = HygienePolicy.builder().restoreThreadState(false);
        assertThrowsNaming(IllegalStateException.class, () -> builder.restoreThreadState(true),
                "restoreThreadState", "false");
        assertFalse(builder.build().restoreThreadState());
    }

    @Test
    void rejectsSecondListenerNamingTheFirstAndKeepsIt() {
        HygienePolicy.Builder builder = HygienePolicy.builder().onLeftovers(LISTENER);
        assertThrowsNaming(IllegalStateException.class, () -> builder.onLeftovers((worker, leftovers) -> { }),
                "onLeftovers", "the-first-listener");
        assertSame(LISTENER, builder.build().leftoverListener());
    }

    @Test
    void rejectsSecondJmxNamingTheFirstAndKeepsIt() {
        HygienePolicy.Builder builder = HygienePolicy.builder().name("jmx-once").jmx(false);
        assertThrowsNaming(IllegalStateException.class, () -> builder.jmx(true), "jmx", "false");
        assertFalse(builder.build().jmx());
    }

    @Test
    void nameAlreadySetIsQuotedInTheMessage() {
        HygienePolicy.Builder builder = HygienePolicy.builder().name("two words");
        assertThrowsNaming(IllegalStateException.class, () -> builder.name("other"),
                "name was already set to 'two words'");
        assertThrowsNaming(IllegalStateException.class,
                () -> HygienePolicy.builder().inheritable(false).inheritable(false), "inheritable was already set to false");
    }

    @Test
    void settingDefaultValueExplicitlyStillCountsAsSet() {
        assertThrows(IllegalStateException.class, () -> HygienePolicy.builder().mode(Mode.ENFORCE).mode(Mode.AUDIT));
        assertThrows(IllegalStateException.class, () -> HygienePolicy.builder().inheritable(true).inheritable(false));
    }

    // ---- combinations that contradict themselves

    @Test
    void rejectsOffWithAListenerNamingItAndSayingToDropItOrAudit() {
        HygienePolicy.Builder builder = HygienePolicy.builder().mode(Mode.OFF).onLeftovers(LISTENER);
        IllegalStateException e = assertThrowsNaming(IllegalStateException.class, builder::build,
                "mode OFF never runs a LeftoverListener", "onLeftovers(the-first-listener) was set too",
                "Drop it to turn hygiene off", "mode(Mode.AUDIT) to only count leftovers");
        assertFalse(e.getMessage().contains("retain(") || e.getMessage().contains("retainTypes("), e.getMessage());
    }

    @Test
    void rejectsOffWithRetainedLocalsCountingThem() {
        assertThrowsNaming(IllegalStateException.class,
                HygienePolicy.builder().mode(Mode.OFF).retain(new ThreadLocal<>(), new ThreadLocal<>())::build,
                "mode OFF", "retain(...) of 2 ThreadLocal(s) was set too", "Drop it", "mode(Mode.AUDIT)");
    }

    @Test
    void rejectsOffWithRetainTypesNamingThePrefixes() {
        assertThrowsNaming(IllegalStateException.class,
                HygienePolicy.builder().mode(Mode.OFF).retainTypes("com.acme.", "org.slf4j.MDC")::build,
                "mode OFF", "retainTypes(\"com.acme.\", \"org.slf4j.MDC\") was set too", "mode(Mode.AUDIT)");
    }

    @Test
    void rejectsOffWithListenerAndRetainRulesNamingAllOfThem() {
        assertThrowsNaming(IllegalStateException.class, HygienePolicy.builder()
                        .retainTypes("com.acme.").onLeftovers(LISTENER).retain(new ThreadLocal<>()).mode(Mode.OFF)::build,
                "onLeftovers(the-first-listener) and retain(...) of 1 ThreadLocal(s) and retainTypes(\"com.acme.\") "
                        + "were set too", "Drop them");
    }

    @Test
    void offIsCheckedAtBuildWhateverTheOrderOfTheSettings() {
        HygienePolicy.Builder builder = HygienePolicy.builder().retainTypes("com.acme.");
        builder.mode(Mode.OFF);
        assertThrows(IllegalStateException.class, builder::build);
        assertThrows(IllegalStateException.class, builder::build, "a builder stays rejected: nothing can be unset");
    }

    @Test
    void auditAndEnforceTakeTheListenerAndRetainRulesThatOffRejects() {
        for (Mode mode : new Mode[] {Mode.AUDIT, Mode.ENFORCE}) {
            HygienePolicy policy = HygienePolicy.builder().mode(mode).onLeftovers(LISTENER)
                    .retain(new ThreadLocal<>()).retainTypes("com.acme.").build();
            assertSame(LISTENER, policy.leftoverListener(), mode.toString());
            assertEquals(List.of("com.acme."), policy.retainedTypes(), mode.toString());
            assertEquals(1, policy.retainedLocals().size(), mode.toString());
        }
        assertSame(LISTENER, HygienePolicy.builder().onLeftovers(LISTENER).retainTypes("com.acme.").build()
                .leftoverListener(), "without mode(...): ENFORCE");
    }

    @Test
    void offTakesEveryOtherSetting() {
        HygienePolicy policy = HygienePolicy.builder().mode(Mode.OFF).name("kill-switch").inheritable(false)
                .restoreThreadState(false).jmx(true).retain().retainTypes().build();
        assertEquals(Mode.OFF, policy.mode());
        assertEquals("kill-switch", policy.name());
        assertFalse(policy.inheritable());
        assertFalse(policy.restoreThreadState());
        assertTrue(policy.jmx());
        assertEquals(List.of(), policy.retainedTypes(), "empty retain calls add no rule to drop");
        assertNull(policy.leftoverListener());
    }

    // ---- immutability

    @Test
    void retainedTypesCannotBeModified() {
        HygienePolicy policy = HygienePolicy.builder().retainTypes("com.acme.").build();
        assertThrows(UnsupportedOperationException.class, () -> policy.retainedTypes().add("org."));
        assertThrows(UnsupportedOperationException.class, () -> policy.retainedTypes().clear());
        assertThrows(UnsupportedOperationException.class, () -> policy.retainedLocals().clear());
        assertEquals(List.of("com.acme."), policy.retainedTypes());
    }

    @Test
    void reusingBuilderDoesNotChangePolicyBuiltEarlier() {
        ThreadLocal<String> first = new ThreadLocal<>();
        HygienePolicy.Builder builder = HygienePolicy.builder().retainTypes("com.acme.").retain(first);
        HygienePolicy earlier = builder.build();

        builder.retainTypes("org.slf4j.MDC").retain(new ThreadLocal<>()).mode(Mode.AUDIT).name("later");
        HygienePolicy later = builder.build();

        assertNotSame(earlier, later);
        assertEquals(List.of("com.acme."), earlier.retainedTypes());
        assertEquals(1, earlier.retainedLocals().size());
        assertEquals(Mode.ENFORCE, earlier.mode());
        assertEquals(HygienePolicy.DEFAULT_NAME, earlier.name());
        assertEquals(List.of("com.acme.", "org.slf4j.MDC"), later.retainedTypes());
        assertEquals(2, later.retainedLocals().size());
        assertEquals(Mode.AUDIT, later.mode());
        assertEquals("later", later.name());
    }

    @Test
    void changingTheCallersArrayDoesNotChangeTheBuiltPolicy() {
        String[] prefixes = {"com.acme."};
        HygienePolicy.Builder builder = HygienePolicy.builder().retainTypes(prefixes);
        prefixes[0] = "org.other.";
        HygienePolicy policy = builder.build();
        assertEquals(List.of("com.acme."), policy.retainedTypes());

        String[] copy = policy.retainedTypePrefixes();
        copy[0] = "org.other.";
        assertEquals(List.of("com.acme."), policy.retainedTypes());
        assertEquals("com.acme.", policy.retainedTypePrefixes()[0]);
    }

    @Test
    void retainedLocalsAreHeldWeakly() {
        HygienePolicy policy = HygienePolicy.builder().retain(new ThreadLocal<>()).build();
        assertTrue(policy.retainedLocals().get(0) instanceof java.lang.ref.WeakReference);
    }

    // ---- toString

    @Test
    void toStringNamesModeAndName() {
        String text = HygienePolicy.builder().mode(Mode.AUDIT).name("http-workers").retainTypes("com.acme.")
                .build().toString();
        assertContains(text, "AUDIT", "http-workers", "com.acme.");
        assertContains(HygienePolicy.builder().build().toString(), "ENFORCE", HygienePolicy.DEFAULT_NAME);
    }
}
