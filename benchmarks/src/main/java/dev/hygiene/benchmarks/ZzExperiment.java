package dev.hygiene.benchmarks;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.ThreadHygiene;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

// TEMPORARY decomposition experiment; not to be committed.
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
@State(Scope.Thread)
public class ZzExperiment {
    @Param({"0", "8", "32"}) int entries;
    ThreadHygiene localsOnly, noState;
    ThreadLocal<Object>[] locals;
    final Runnable task = new SnapshotCycleBenchmark.NoOpTask();

    @SuppressWarnings("unchecked")
    @Setup(Level.Trial)
    public void setUp() {
        localsOnly = ThreadHygiene.of(HygienePolicy.builder().inheritable(false).restoreThreadState(false).build());
        noState = ThreadHygiene.of(HygienePolicy.builder().restoreThreadState(false).build());
        locals = new ThreadLocal[entries];
        for (int i = 0; i < entries; i++) { locals[i] = new ThreadLocal<>(); locals[i].set("v" + i); }
        localsOnly.enter(task).close();
    }

    @Benchmark public void untouchedLocalsOnly() { localsOnly.enter(task).close(); }
    @Benchmark public void untouchedNoThreadState() { noState.enter(task).close(); }
    /** Just the ThreadLocal.get the engine does to find its Worker. */
    static final ThreadLocal<Object> PROBE = ThreadLocal.withInitial(Object::new);
    @Benchmark public Object threadLocalGet() { return PROBE.get(); }
}
