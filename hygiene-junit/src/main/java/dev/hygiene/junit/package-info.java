/**
 * A JUnit Jupiter extension that fails the test which leaves a thread-local behind:
 * {@link dev.hygiene.junit.ThreadHygieneExtension}, with {@link dev.hygiene.junit.RetainThreadLocals},
 * {@link dev.hygiene.junit.LeavesThreadLocals} and {@link dev.hygiene.junit.TestHygiene}.
 */
package dev.hygiene.junit;
