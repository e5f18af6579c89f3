/**
 * Executors that run every task under a {@link dev.hygiene.core.ThreadHygiene}; start at
 * {@link dev.hygiene.executors.HygienicExecutors}.
 */
package dev.hygiene.executors;
