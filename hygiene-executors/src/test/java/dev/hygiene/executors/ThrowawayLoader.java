package dev.hygiene.executors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Defines one class itself (child first) and delegates everything else: a redeployed application. */
final class ThrowawayLoader extends ClassLoader {

    private final String owned;

    ThrowawayLoader(String owned) {
        super("throwaway", ThrowawayLoader.class.getClassLoader());
        this.owned = owned;
    }

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
                    byte[] bytes = in.readAllBytes();
                    c = defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return c;
        }
    }
}
