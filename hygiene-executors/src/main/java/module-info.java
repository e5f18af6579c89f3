/**
 * hygiene for {@code java.util.concurrent}: decorators for executors and thread factories, the
 * hygienic {@code ThreadPoolExecutor} subclasses, {@code Executors}-style factories and the
 * common-pool thread factory.
 */
module dev.hygiene.executors {
    requires transitive dev.hygiene.core;

    exports dev.hygiene.executors;
}
