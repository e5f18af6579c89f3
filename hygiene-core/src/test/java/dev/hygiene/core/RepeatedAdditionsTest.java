package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The in-place restore finds a task's additions by the keys earlier tasks added: tasks that add
 * the same thread-locals again, some new ones beside them, a key that became part of the snapshot,
 * and a retained one, are all settled exactly as the first time.
 */
class RepeatedAdditionsTest extends DirtyControlTest {

    private final ThreadLocal<Object> context = new ThreadLocal<>();
    private final ThreadLocal<Object> user = new ThreadLocal<>();
    private final List<ThreadLocal<Object>> fresh = new ArrayList<>();

    private Runnable addContextAndUser(Object value) {
        return () -> {
            context.set(value);
            user.set(value);
        };
    }

    @Test
    void sameKeysAddedTaskAfterTaskAreRemovedEveryTime() {
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        for (int task = 0; task < 20; task++) {
            hygienic.run(hygiene, addContextAndUser("request " + task));
            assertNull(hygienic.call(context::get), "task " + task);
            assertNull(hygienic.call(user::get), "task " + task);
            plain.run(addContextAndUser("request " + task));
            assertEquals("request " + task, plain.call(context::get), "control: the plain thread keeps it");
        }
        assertEquals(40, hygiene.stats().leftovers());
    }

    @Test
    void knownKeysWithNewOnesBesideThemAreAllRemoved() {
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        hygienic.run(hygiene, addContextAndUser("first"));
        for (int task = 0; task < 12; task++) {
            ThreadLocal<Object> other = new ThreadLocal<>();
            fresh.add(other);
            Runnable both = () -> {
                addContextAndUser("again").run();
                other.set("new key");
            };
            hygienic.run(hygiene, both);
            assertNull(hygienic.call(context::get));
            assertNull(hygienic.call(other::get), "the key no earlier task added is found too");
            plain.run(both);
            assertEquals("new key", plain.call(other::get), "control");
        }
        assertEquals(2 + 12 * 3, hygiene.stats().leftovers());
    }

    @Test
    void keyAddedBeforeAndNowPartOfTheSnapshotGetsItsValueBack() {
        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        hygienic.run(hygiene, addContextAndUser("left by a task"));
        Object baseline = new Object();
        hygienic.run(() -> context.set(baseline));          // outside any scope: part of the next snapshot
        hygienic.run(hygiene, addContextAndUser("overwritten"));
        assertSame(baseline, hygienic.call(context::get));
        assertNull(hygienic.call(user::get));
    }

    /** A thread-local that the policy below retains by type. */
    static final class KeptLocal extends ThreadLocal<Object> {
    }

    @Test
    void retainedKeyAddedAgainStaysAsTheTaskLeftIt() {
        KeptLocal kept = new KeptLocal();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder()
                .retainTypes(KeptLocal.class.getName()).build());
        for (int task = 0; task < 5; task++) {
            String value = "kept " + task;
            hygienic.run(hygiene, () -> {
                kept.remove();
                context.set(value);
                kept.set(value);
            });
            assertEquals(value, hygienic.call(kept::get));
            assertNull(hygienic.call(context::get));
        }
    }
}
