package dev.hygiene.executors;

import java.util.Objects;

/** Argument checks whose messages name the parameter and what would be right. */
final class Checks {

    private Checks() {
    }

    static <T> T notNull(T value, String parameter) {
        return Objects.requireNonNull(value, parameter);
    }

    /** {@code ThreadPoolExecutor}'s size rules, with messages; returns {@code corePoolSize}. */
    static int poolSizes(int corePoolSize, int maximumPoolSize, long keepAliveTime) {
        if (corePoolSize < 0) {
            throw new IllegalArgumentException("corePoolSize must be 0 or more, was " + corePoolSize);
        }
        if (maximumPoolSize <= 0) {
            throw new IllegalArgumentException("maximumPoolSize must be 1 or more, was " + maximumPoolSize);
        }
        if (maximumPoolSize < corePoolSize) {
            throw new IllegalArgumentException("maximumPoolSize (" + maximumPoolSize
                    + ") must not be less than corePoolSize (" + corePoolSize + ")");
        }
        if (keepAliveTime < 0) {
            throw new IllegalArgumentException("keepAliveTime must be 0 or more, was " + keepAliveTime);
        }
        return corePoolSize;
    }

    /** {@code ScheduledThreadPoolExecutor}'s size rule, with a message; returns {@code corePoolSize}. */
    static int corePoolSize(int corePoolSize) {
        if (corePoolSize < 0) {
            throw new IllegalArgumentException("corePoolSize must be 0 or more, was " + corePoolSize);
        }
        return corePoolSize;
    }

    /** {@code Executors.newFixedThreadPool}'s size rule, with a message. */
    static int threads(int nThreads) {
        if (nThreads <= 0) {
            throw new IllegalArgumentException("nThreads must be 1 or more, was " + nThreads);
        }
        return nThreads;
    }
}
