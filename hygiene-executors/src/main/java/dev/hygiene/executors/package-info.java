/**
 * Decorating executors, thread pools and thread factories that run every task under a
 * {@link dev.hygiene.core.ThreadHygiene}. Built in a later step; see the README.
 */
package dev.hygiene.executors;
