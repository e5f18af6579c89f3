package dev.hygiene.agent.boot;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import dev.hygiene.core.internal.LeftoverLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rewrites the known run loops ({@link RunLoop#ALL}) as their classes are loaded or retransformed:
 * body-only changes (one call instruction replaced by another of the same stack effect), so that
 * classes loaded before the agent, {@code ThreadPoolExecutor} among them, can be retransformed.
 *
 * <p>Fail-safe: a loop whose method does not hold exactly one call of the expected shape, or any
 * failure while rewriting, leaves the class exactly as it was, with one WARNING on logger
 * {@code dev.hygiene} naming it. The application always starts.
 */
final class RunLoopTransformer implements ClassFileTransformer {

    private static final String BRIDGE = Bridge.class.getName().replace('.', '/');

    /** The known loops by the internal name of their class. */
    private final Map<String, List<RunLoop>> loops = new ConcurrentHashMap<>();
    /** What was rewritten, as {@code class.method}, for the INFO line and for tests. */
    final Set<String> instrumented = ConcurrentHashMap.newKeySet();
    /** What was left alone because of its shape, likewise. */
    final Set<String> skipped = ConcurrentHashMap.newKeySet();

    RunLoopTransformer() {
        for (RunLoop loop : RunLoop.ALL) {
            loops.computeIfAbsent(loop.internalName, k -> new ArrayList<>()).add(loop);
        }
    }

    boolean isTarget(String className) {
        return loops.containsKey(className.replace('.', '/'));
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
            byte[] classfile) {
        List<RunLoop> targets = className == null ? null : loops.get(className);
        if (targets == null) {
            return null;
        }
        try {
            return rewrite(targets, classfile);
        } catch (Throwable e) {
            skip(className.replace('/', '.'), "rewriting it failed with " + e);
            return null;
        }
    }

    private byte[] rewrite(List<RunLoop> targets, byte[] classfile) {
        ClassReader reader = new ClassReader(classfile);
        ClassWriter writer = new ClassWriter(reader, 0);
        int[] replaced = new int[targets.size()];
        boolean[] present = new boolean[targets.size()];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                for (int t = 0; t < targets.size(); t++) {
                    if (targets.get(t).method.equals(name)) {
                        present[t] = true;
                        return new CallReplacer(next, targets.get(t), replaced, t);
                    }
                }
                return next;
            }
        }, 0);
        // The loops of one class are alternatives (one library version runs its tasks in one method,
        // another in the next): exactly one call must be found among them.
        int total = 0;
        boolean any = false;
        StringBuilder methods = new StringBuilder();
        for (int t = 0; t < targets.size(); t++) {
            total += replaced[t];
            any |= present[t];
            methods.append(t == 0 ? "" : " or ").append(targets.get(t).method);
        }
        if (!any) {
            return null;
        }
        if (total != 1) {
            RunLoop loop = targets.get(0);
            skip(loop.className, "its " + methods + " hold " + total + " calls of " + loop.callOwner.replace('/', '.')
                    + "." + loop.callName + loop.callDescriptor + " where exactly one was expected");
            return null;
        }
        for (int t = 0; t < targets.size(); t++) {
            if (replaced[t] == 1) {
                instrumented.add(targets.get(t).toString());
            }
        }
        return writer.toByteArray();
    }

    private void skip(String target, String why) {
        if (skipped.add(target)) {
            LeftoverLog.LOGGER.log(System.Logger.Level.WARNING, "hygiene-agent left " + target + " alone: " + why
                    + ". Its tasks run without hygiene; everything else is instrumented as usual.");
        }
    }

    /** Replaces the run loop's call of the task with the bridge's, counting each replacement. */
    private static final class CallReplacer extends MethodVisitor {
        private final RunLoop loop;
        private final int[] replaced;
        private final int index;

        CallReplacer(MethodVisitor next, RunLoop loop, int[] replaced, int index) {
            super(Opcodes.ASM9, next);
            this.loop = loop;
            this.replaced = replaced;
            this.index = index;
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            int expected = loop.callOnInterface ? Opcodes.INVOKEINTERFACE : Opcodes.INVOKEVIRTUAL;
            if (opcode == expected && owner.equals(loop.callOwner) && name.equals(loop.callName)
                    && descriptor.equals(loop.callDescriptor)) {
                replaced[index]++;
                super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, loop.bridgeName, loop.bridgeDescriptor, false);
                return;
            }
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }
    }
}
