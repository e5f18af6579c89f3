package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The LeftoverListener hears every task that left something, after the restore, and cannot hurt. */
class ListenerTest {

    private final ThreadLocal<Object> local = new ThreadLocal<>();
    private ReusedThread thread;

    @BeforeEach
    void start() {
        thread = new ReusedThread("listened");
    }

    @AfterEach
    void stop() {
        thread.close();
    }

    @Test
    void hearsLeftoversAfterTheRestore() {
        List<Object> seenInListener = new CopyOnWriteArrayList<>();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().onLeftovers((worker, leftovers) -> {
            seenInListener.add(worker);
            seenInListener.add(local.get());
            seenInListener.add(leftovers.size());
        }).build());
        thread.run(hygiene, () -> local.set("leftover"));
        assertEquals(List.of(thread.thread(), "<restored>", 1),
                List.of(seenInListener.get(0), seenInListener.get(1) == null ? "<restored>" : seenInListener.get(1),
                        seenInListener.get(2)));
    }

    @Test
    void isNotCalledForACleanTask() {
        AtomicInteger calls = new AtomicInteger();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder()
                .onLeftovers((worker, leftovers) -> calls.incrementAndGet()).build());
        thread.run(hygiene, () -> {
            local.set("tidy");
            local.remove();
        });
        assertEquals(0, calls.get());
        assertEquals(1, hygiene.stats().tasks());
    }

    @Test
    void throwingListenerIsIgnoredAndTheWorkerCarriesOn() {
        AtomicInteger calls = new AtomicInteger();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().onLeftovers((worker, leftovers) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("listener bug");
        }).build());
        Thread before = thread.thread();
        thread.run(hygiene, () -> local.set("leftover"));
        thread.run(hygiene, () -> local.set("leftover again"));
        assertEquals(2, calls.get());
        assertNull(thread.call(local::get), "the restore happened before the listener threw");
        assertEquals(before, thread.call(Thread::currentThread), "the same worker survives");
        assertEquals(2, hygiene.stats().leftovers());
    }

    @Test
    void listenerListIsUnmodifiable() {
        List<Boolean> unmodifiable = new CopyOnWriteArrayList<>();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().onLeftovers((worker, leftovers) -> {
            try {
                leftovers.clear();
                unmodifiable.add(false);
            } catch (UnsupportedOperationException expected) {
                unmodifiable.add(true);
            }
        }).build());
        thread.run(hygiene, () -> local.set("x"));
        assertTrue(unmodifiable.get(0));
    }
}
