module probe.app {
    requires dev.hygiene.executors;
}
