package io.mcpwasm.build;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dump of this tool's own classes (no module-info: every package without an {@code internal} segment). */
class ApiDumpSelfTest {
    private static final Path CLASSES = Path.of("target/classes");

    @Test
    void listsPublicMembersWithSignaturesAndLeavesOutPrivateOnes() {
        String dump = ApiDump.dump(CLASSES, getClass().getClassLoader());
        assertTrue(dump.startsWith("public final class io.mcpwasm.build.ApiDump {\n"), dump);
        assertTrue(dump.contains("  public static void io.mcpwasm.build.ApiDump.check(java.nio.file.Path,"
                + "java.nio.file.Path,java.lang.ClassLoader)\n"), dump);
        assertTrue(dump.contains("  public static final java.lang.String io.mcpwasm.build.ApiDump.UPDATE_PROPERTY\n"),
                dump);
        assertFalse(dump.contains("describe("), "private methods are not API: " + dump);
        assertFalse(dump.contains(" diff("), "package-private methods are not API: " + dump);
        assertEquals(dump, ApiDump.dump(CLASSES, getClass().getClassLoader()), "stable order");
    }

    @Test
    void aDifferentDumpFailsWithTheDiffAndTheCommandThatRegeneratesIt(@TempDir Path dir) throws IOException {
        Path dumpFile = dir.resolve("self.api");
        String dump = ApiDump.dump(CLASSES, getClass().getClassLoader());
        Files.writeString(dumpFile, dump);
        assertDoesNotThrow(() -> ApiDump.check(CLASSES, dumpFile, getClass().getClassLoader()));

        Files.writeString(dumpFile, dump.replace("UPDATE_PROPERTY", "OLD_PROPERTY"));
        AssertionError e = assertThrows(AssertionError.class,
                () -> ApiDump.check(CLASSES, dumpFile, getClass().getClassLoader()));
        String m = e.getMessage();
        assertTrue(m.contains("- public static final java.lang.String io.mcpwasm.build.ApiDump.OLD_PROPERTY")
                || m.contains("-   public static final java.lang.String io.mcpwasm.build.ApiDump.OLD_PROPERTY"), m);
        assertTrue(m.contains("io.mcpwasm.build.ApiDump.UPDATE_PROPERTY"), m);
        assertTrue(m.contains("  @ public final class io.mcpwasm.build.ApiDump {"), m);
        assertTrue(m.contains("-Dmcpwasm.api.update=true"), m);
    }

    @Test
    void diffShowsOnlyChangedLinesUnderTheirType() {
        String d = ApiDump.diff(List.of("class A {", "  a()", "  b()", "}"), List.of("class A {", "  a()", "  c()", "}"));
        assertEquals("  @ class A {\n-   b()\n+   c()\n", d);
    }
}
