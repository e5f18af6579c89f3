package dev.hygiene.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A class loader that stands for a redeployed application: it defines one named class itself
 * (child first) and delegates every other class to its parent.
 *
 * <p>The owned class's bytes are read as a resource of the parent, the loader of this class (the
 * test class path), so the class may live in any directory or jar on that class path: the fixtures
 * in {@code dev.hygiene.testsupport.fixtures}, in this module's jar, or a test's own classes. The
 * class this loader defines is a second copy, distinct from the parent's, whose defining loader is
 * this one; the parent keeps no reference to it. So once the copy's instances and this loader are
 * unreachable, the GC can collect all of them, and a test that holds this loader weakly can tell
 * whether something, such as a worker's thread-local map, still pins it.
 *
 * <pre>{@code
 * ClassLoader loader = new ThrowawayLoader(Leaky.class.getName());
 * loader.loadClass(Leaky.class.getName()).getMethod("leak").invoke(null);
 * WeakReference<ClassLoader> redeployed = new WeakReference<>(loader);
 * }</pre>
 */
public final class ThrowawayLoader extends ClassLoader {

    private final String owned;

    /**
     * A loader that defines {@code owned} itself, from the class file its parent finds.
     *
     * @param owned the binary name of the one class this loader defines, such as
     *     {@code dev.hygiene.testsupport.fixtures.Leaky}
     */
    public ThrowawayLoader(String owned) {
        super("throwaway", ThrowawayLoader.class.getClassLoader());
        this.owned = owned;
    }

    /**
     * Defines the owned class on first use, from its class file on the parent's class path; delegates
     * every other name.
     *
     * @throws ClassNotFoundException when a delegated class is not found, or the parent finds no
     *     class file for the owned class
     * @throws UncheckedIOException when the owned class's file cannot be read
     */
    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.equals(owned)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                String resource = name.replace('.', '/') + ".class";
                try (InputStream in = getParent().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new ClassNotFoundException(resource + " is not on the class path of " + getParent());
                    }
                    byte[] bytes = in.readAllBytes();
                    c = defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + resource, e);
                }
            }
            return c;
        }
    }
}
