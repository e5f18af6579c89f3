package dev.hygiene.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.testsupport.RawMaps;
import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** Entries the policy retains survive the restore; the others do not. */
class RetentionTest extends DirtyControlTest {

    /** A ThreadLocal type a policy can name by prefix. */
    static final class CacheLocal<T> extends ThreadLocal<T> {
    }

    /** A value type a policy can name by prefix. */
    static final class Recycler {
    }

    private final ThreadLocal<Object> dirty = new ThreadLocal<>();


    @Test
    void retainsThreadLocalNamedByIdentity() {
        ThreadLocal<Object> cache = new ThreadLocal<>();
        Object cached = new Object();
        Object leaked = new Object();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().retain(cache).build());
        Runnable steps = () -> {
            cache.set(cached);
            dirty.set(leaked);
        };
        plain.run(steps);
        assertSame(leaked, plain.call(dirty::get), "control");
        hygienic.run(hygiene, steps);
        assertSame(cached, hygienic.call(cache::get));
        assertNull(hygienic.call(dirty::get));
        assertEquals(1, hygiene.stats().leftovers(), "a retained entry is no leftover");
    }

    @Test
    void retainsByThreadLocalTypePrefix() {
        CacheLocal<Object> cache = new CacheLocal<>();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder()
                .retainTypes("dev.hygiene.core.RetentionTest$Cache").build());
        Object cached = new Object();
        hygienic.run(hygiene, () -> {
            cache.set(cached);
            dirty.set(cached);
        });
        assertSame(cached, hygienic.call(cache::get));
        assertNull(hygienic.call(dirty::get));
    }

    @Test
    void retainsByValueTypePrefix() {
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder()
                .retainTypes("dev.hygiene.core.RetentionTest$Recycler").build());
        Recycler recycler = new Recycler();
        ThreadLocal<Object> cache = new ThreadLocal<>();
        hygienic.run(hygiene, () -> {
            cache.set(recycler);
            dirty.set(new Object());
        });
        assertSame(recycler, hygienic.call(cache::get));
        assertNull(hygienic.call(dirty::get));
    }

    @Test
    void retainsByReferentTypePrefixOfSoftReference() {
        // Jackson's BufferRecycler pattern: ThreadLocal<SoftReference<BufferRecycler>>.
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder()
                .retainTypes("dev.hygiene.core.RetentionTest$Recycler").build());
        Recycler recycler = new Recycler();
        SoftReference<Recycler> soft = new SoftReference<>(recycler);
        ThreadLocal<SoftReference<Recycler>> cache = new ThreadLocal<>();
        hygienic.run(hygiene, () -> cache.set(soft));
        assertSame(soft, hygienic.call(cache::get));
        hygienic.run(hygiene, () -> dirty.set(new SoftReference<>(new Object())));
        assertNull(hygienic.call(dirty::get), "a soft reference to anything else is not retained");
    }

    @Test
    void leavesRetainedEntryRemovedWhenTaskRemovedIt() {
        ThreadLocal<Object> cache = new ThreadLocal<>();
        ThreadHygiene hygiene = ThreadHygiene.of(HygienePolicy.builder().retain(cache).build());
        hygienic.run(() -> cache.set("cached"));
        hygienic.run(hygiene, cache::remove);
        assertNull(hygienic.call(cache::get), "hygiene leaves retained entries exactly as the task left them");
        assertEquals(0, hygiene.stats().leftovers());
    }

    /**
     * Takes a temporary direct buffer from the JDK's per-thread cache (sun.nio.ch.Util, a
     * TerminatingThreadLocal that frees native memory when the thread exits) and gives it back.
     * JDK 17 takes this path for channel I/O on heap buffers; JDK 25 does not, so the test drives
     * the cache itself (the pom exports sun.nio.ch to tests).
     */
    private static Object cycleTemporaryDirectBuffer() throws ReflectiveOperationException {
        Class<?> util = Class.forName("sun.nio.ch.Util");
        Object buffer = util.getMethod("getTemporaryDirectBuffer", int.class).invoke(null, 4096);
        util.getMethod("releaseTemporaryDirectBuffer", ByteBuffer.class).invoke(null, buffer);
        return buffer;
    }

    @Test
    void keepsTheJdksOwnThreadLocals() {
        Callable<Object> io = () -> {
            dirty.set("leaked");
            return cycleTemporaryDirectBuffer();
        };
        Object first = plain.call(io);
        assertSame(first, plain.call(RetentionTest::cycleTemporaryDirectBuffer),
                "control: the JDK caches the buffer per thread");
        assertSame("leaked", plain.call(dirty::get), "control");
        List<String> jdkLocals = plain.call(RetentionTest::jdkLocalTypes);

        ThreadHygiene hygiene = ThreadHygiene.enforcing();
        Object cached = hygienic.call(hygiene.wrap(io));
        assertSame(cached, hygienic.call(RetentionTest::cycleTemporaryDirectBuffer),
                "the JDK's cache survived the restore");
        assertNull(hygienic.call(dirty::get));
        assertEquals(1, hygiene.stats().leftovers(), "the JDK's entries are retained, not leftovers");
        // Where the JDK keeps TerminatingThreadLocals in the ordinary map (JDK 17), they are still there.
        // JDK 21+ keeps them in a map of their own that hygiene never touches.
        assertEquals(jdkLocals, hygienic.call(RetentionTest::jdkLocalTypes));
    }

    private static List<String> jdkLocalTypes() {
        List<String> types = new ArrayList<>();
        for (String type : RawMaps.localTypes(false)) {
            if (type.startsWith("sun.") || type.startsWith("jdk.internal.")) {
                types.add(type);
            }
        }
        types.sort(null);
        return types;
    }
}
