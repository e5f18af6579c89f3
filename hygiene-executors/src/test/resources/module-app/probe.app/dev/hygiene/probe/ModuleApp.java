package dev.hygiene.probe;

import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.executors.HygienicExecutors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An application module that uses hygiene from the module path, as a user's would. Prints
 * {@code app.key=value} lines for ModulePathIT.
 */
public final class ModuleApp {

    private static final ThreadLocal<String> USER = new ThreadLocal<>();

    public static void main(String[] args) throws Exception {
        Module core = ThreadHygiene.class.getModule();
        Module executors = HygienicExecutors.class.getModule();
        Module app = ModuleApp.class.getModule();
        print("core.module", core.getName());
        print("core.named", core.getDescriptor() != null && !core.getDescriptor().isAutomatic());
        print("internal.exportedToApp", core.isExported("dev.hygiene.core.internal", app));
        print("internal.exportedToExecutors", core.isExported("dev.hygiene.core.internal", executors));
        try {
            Class.forName("dev.hygiene.core.internal.Engine").getMethod("supported").invoke(null);
            print("internal.access", "allowed");
        } catch (IllegalAccessException expected) {
            print("internal.access", "denied");
        }
        print("supported", ThreadHygiene.isSupported());
        print("plain.secondTaskSees", secondTaskSees(Executors.newSingleThreadExecutor()));
        if (ThreadHygiene.isSupported()) {
            print("hygienic.secondTaskSees",
                    secondTaskSees(HygienicExecutors.newSingleThreadExecutor(ThreadHygiene.enforcing())));
        }
    }

    /** What a second task on a one-thread pool sees of the thread-local the first one left. */
    private static String secondTaskSees(ExecutorService pool) throws Exception {
        try {
            pool.submit(() -> USER.set("alice")).get(30, TimeUnit.SECONDS);
            return String.valueOf(pool.submit(USER::get).get(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdown();
        }
    }

    private static void print(String key, Object value) {
        System.out.println("app." + key + "=" + value);
    }
}
