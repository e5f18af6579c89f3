package dev.hygiene.executors;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Fork-join worker threads built with JDK 19's {@code ForkJoinWorkerThread(ThreadGroup, ForkJoinPool,
 * boolean preserveThreadLocals)} and {@code preserveThreadLocals = false}: the thread inherits no
 * thread-locals, and the pool clears its maps whenever it goes idle.
 *
 * <p>That constructor is protected and does not exist on JDK 17, the release this library is
 * compiled for, so no source here can call it. On JDK 19 and later this class defines, once, the
 * smallest subclass that does: one constructor {@code (ForkJoinPool)} whose body is
 * {@code super(null, pool, false)}, written as a class file of ten constant-pool entries and eight
 * bytes of code, and defined in this package with {@link MethodHandles.Lookup#defineClass}. No
 * bytecode of any existing class is changed.
 */
final class ClearingWorkerThreads {

    private static final String NAME = "dev/hygiene/executors/ClearingForkJoinWorkerThread";
    private static final String SUPER = "java/util/concurrent/ForkJoinWorkerThread";

    /** {@code (ForkJoinPool)ForkJoinWorkerThread}, or null before JDK 19. */
    private static final MethodHandle CONSTRUCTOR;
    /** Why {@link #CONSTRUCTOR} is null, for the README's "JDK 17 vs 19+" note and for tests. */
    static final String UNAVAILABLE_REASON;

    static {
        MethodHandle constructor = null;
        String reason = null;
        if (Runtime.version().feature() < 19) {
            reason = "JDK " + Runtime.version().feature() + " has no ForkJoinWorkerThread(ThreadGroup, ForkJoinPool, "
                    + "boolean preserveThreadLocals); it came in JDK 19";
        } else {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                Class<?> type = lookup.defineClass(classFile());
                constructor = lookup.findConstructor(type, MethodType.methodType(void.class, ForkJoinPool.class))
                        .asType(MethodType.methodType(ForkJoinWorkerThread.class, ForkJoinPool.class));
            } catch (ReflectiveOperationException | LinkageError | IOException | SecurityException e) {
                reason = "could not define the JDK 19+ worker thread class: " + e;
            }
        }
        CONSTRUCTOR = constructor;
        UNAVAILABLE_REASON = reason;
    }

    private ClearingWorkerThreads() {
    }

    static boolean available() {
        return CONSTRUCTOR != null;
    }

    /** A new worker of {@code pool} that preserves no thread-locals; only when {@link #available()}. */
    static ForkJoinWorkerThread newThread(ForkJoinPool pool) {
        try {
            return (ForkJoinWorkerThread) CONSTRUCTOR.invokeExact(pool);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("creating a fork-join worker thread failed", e);
        }
    }

    /** The class file of {@code final class ClearingForkJoinWorkerThread extends ForkJoinWorkerThread}. */
    private static byte[] classFile() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0xCAFEBABE);
        out.writeShort(0);                          // minor version
        out.writeShort(61);                         // major version: Java 17, so no stack map needed
        out.writeShort(11);                         // constant pool count: entries 1..10
        utf8(out, NAME);                            // #1
        classRef(out, 1);                           // #2 this class
        utf8(out, SUPER);                           // #3
        classRef(out, 3);                           // #4 super class
        utf8(out, "<init>");                        // #5
        utf8(out, "(Ljava/util/concurrent/ForkJoinPool;)V");                                  // #6
        utf8(out, "(Ljava/lang/ThreadGroup;Ljava/util/concurrent/ForkJoinPool;Z)V");         // #7
        out.writeByte(10);                          // #8 Methodref super.<init>(ThreadGroup, ForkJoinPool, boolean)
        out.writeShort(4);
        out.writeShort(9);
        out.writeByte(12);                          // #9 NameAndType <init>:(ThreadGroup, ForkJoinPool, boolean)
        out.writeShort(5);
        out.writeShort(7);
        utf8(out, "Code");                          // #10
        out.writeShort(0x0010 | 0x0020);            // ACC_FINAL | ACC_SUPER, package-private
        out.writeShort(2);                          // this class
        out.writeShort(4);                          // super class
        out.writeShort(0);                          // interfaces
        out.writeShort(0);                          // fields
        out.writeShort(1);                          // methods
        out.writeShort(0x0001);                     // ACC_PUBLIC
        out.writeShort(5);                          // <init>
        out.writeShort(6);                          // (ForkJoinPool)V
        out.writeShort(1);                          // one attribute: Code
        out.writeShort(10);
        byte[] code = {
            0x2a,                                   // aload_0        this
            0x01,                                   // aconst_null    group: the creating thread's
            0x2b,                                   // aload_1        pool
            0x03,                                   // iconst_0       preserveThreadLocals = false
            (byte) 0xb7, 0x00, 0x08,                // invokespecial  #8
            (byte) 0xb1,                            // return
        };
        out.writeInt(2 + 2 + 4 + code.length + 2 + 2);
        out.writeShort(4);                          // max stack
        out.writeShort(2);                          // max locals: this, pool
        out.writeInt(code.length);
        out.write(code);
        out.writeShort(0);                          // exception table
        out.writeShort(0);                          // code attributes
        out.writeShort(0);                          // class attributes
        out.flush();
        return bytes.toByteArray();
    }

    private static void utf8(DataOutputStream out, String value) throws IOException {
        out.writeByte(1);
        out.writeUTF(value);
    }

    private static void classRef(DataOutputStream out, int nameIndex) throws IOException {
        out.writeByte(7);
        out.writeShort(nameIndex);
    }
}
