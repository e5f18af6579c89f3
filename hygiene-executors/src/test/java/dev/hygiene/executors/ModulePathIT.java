package dev.hygiene.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.junit.RetainThreadLocals;
import dev.hygiene.testsupport.ChildProcess;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hygiene-core and hygiene-executors as named modules on the module path, used by an application
 * module of its own ({@code src/test/resources/module-app}, compiled here against the two modules):
 * the API works, the internal package is exported to hygiene's modules and to no one else, and the
 * documented {@code --add-opens java.base/java.lang=dev.hygiene.core} is what makes it supported.
 * The same application's plain pool shows the dirt that the hygienic one cleans.
 */
// javac, run in this JVM to compile the application module, leaves the JDK zip file system's
// per-thread index cache on the test thread.
@RetainThreadLocals("jdk.nio.zipfs.")
class ModulePathIT {

    @TempDir
    static Path work;

    private static String modulePath;

    @BeforeAll
    static void compileTheApplicationModule() throws IOException, URISyntaxException {
        modulePath = location(ThreadHygiene.class) + File.pathSeparator + location(HygienicExecutors.class);
        Path sources = Path.of(ModulePathIT.class.getResource("/module-app/probe.app/module-info.java").toURI())
                .getParent();
        List<String> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).map(Path::toString).collect(Collectors.toList());
        }
        Path classes = work.resolve("probe.app");
        List<String> arguments = new ArrayList<>(List.of("--release", "17", "--module-path", modulePath,
                "-d", classes.toString()));
        arguments.addAll(files);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "the tests run on a JDK, which has javac");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, errors, errors, arguments.toArray(new String[0]));
        assertEquals(0, status, "the application module compiles against hygiene's modules:\n"
                + errors.toString(StandardCharsets.UTF_8));
        modulePath = modulePath + File.pathSeparator + classes;
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static ChildProcess runApp(String... options) {
        List<String> command = new ArrayList<>(List.of(options));
        command.addAll(List.of("--module-path", modulePath, "--module", "probe.app/dev.hygiene.probe.ModuleApp"));
        return ChildProcess.runJava(command, "app.").assertExitCode(0);
    }

    @Test
    void addOpensToTheCoreModuleMakesEnforceCleanWhatAPlainPoolLeaves() {
        runApp("--add-opens", "java.base/java.lang=dev.hygiene.core")
                .assertValue("core.module", "dev.hygiene.core")
                .assertValue("core.named", "true")
                .assertValue("supported", "true")
                .assertValue("plain.secondTaskSees", "alice")
                .assertValue("hygienic.secondTaskSees", "null");
    }

    @Test
    void internalPackageIsExportedToHygienesModulesOnly() {
        runApp("--add-opens", "java.base/java.lang=dev.hygiene.core")
                .assertValue("internal.exportedToExecutors", "true")
                .assertValue("internal.exportedToApp", "false")
                .assertValue("internal.access", "denied");
    }

    @Test
    void withoutOpensHygieneSaysItIsUnsupportedAndThePlainPoolStaysDirty() {
        ChildProcess child = runApp().assertValue("supported", "false")
                .assertValue("plain.secondTaskSees", "alice");
        assertFalse(child.stdout().contains("app.hygienic."), child.describe());
    }

    @Test
    void openingJavaLangToAnotherModuleDoesNotOpenItToHygiene() {
        ChildProcess child = runApp("--add-opens", "java.base/java.lang=probe.app");
        child.assertValue("supported", "false");
        assertTrue(child.stdout().contains("app.plain.secondTaskSees=alice"), child.describe());
    }
}
