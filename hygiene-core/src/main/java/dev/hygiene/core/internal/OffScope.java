package dev.hygiene.core.internal;

import dev.hygiene.core.Leftover;
import dev.hygiene.core.TaskScope;
import java.util.List;

/** The scope of a task that starts while its hygiene is in {@link dev.hygiene.core.Mode#OFF}: closing it does nothing. */
public final class OffScope implements TaskScope {

    /** The one instance; it holds nothing. */
    public static final OffScope INSTANCE = new OffScope();

    private OffScope() {
    }

    @Override
    public void close() {
    }

    @Override
    public List<Leftover> finish() {
        return List.of();
    }

    @Override
    public void closeQuietly() {
    }

    @Override
    public String toString() {
        return "TaskScope[off]";
    }
}
