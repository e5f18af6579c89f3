/**
 * Helpers and fixtures shared by the tests of {@code hygiene-core} and {@code hygiene-executors}:
 * one copy of each, used with test scope, never published.
 *
 * <p>Nothing here depends on hygiene itself: {@code hygiene-core}'s tests use this module, so it
 * cannot use {@code hygiene-core} (that would be a cycle in the build). Helpers that need the
 * engine stay in the test tree of the module they test. What is here reads the JDK's thread-local
 * maps on its own, by reflection, so that tests compare hygiene against an independent view; the
 * test JVMs get {@code --add-opens java.base/java.lang=ALL-UNNAMED} from the parent pom.
 */
package dev.hygiene.testsupport;
