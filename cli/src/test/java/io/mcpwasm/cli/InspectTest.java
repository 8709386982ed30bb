package io.mcpwasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.McpRuntime;
import io.mcpwasm.wasi.HostPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mcpwasm inspect}: the manifest, the policy's decisions and the tools, granting nothing undeclared. */
class InspectTest {
    @TempDir
    Path tmp;

    private static String inspect(McpRuntime runtime, Path module, HostPolicy policy, boolean tools,
                                  int expectedStatus) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Inspect.print(runtime, runtime.load(module), policy, tools,
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String report = out.toString(StandardCharsets.UTF_8);
        assertEquals(expectedStatus, status, report);
        return report;
    }

    @Test
    void reportsTheRefusalWithItsFlagAndStillListsToolsOnAnEmptyReadOnlyPlaceholder() throws Exception {
        Path notes = Files.createDirectory(tmp.resolve("notes"));
        Files.writeString(notes.resolve("secret.md"), "must not be read");
        try (McpRuntime runtime = McpRuntime.create()) {
            String report = inspect(runtime, TestGuests.RUST_NOTES, HostPolicy.builder()
                    .env("UNDECLARED", "x").build(), true, Main.REFUSED);
            assertTrue(report.contains("mount /notes (read_write, required)"), report);
            assertTrue(report.contains("DENIED filesystem /notes: required mount /notes is not bound by the host"
                    + " policy (grant with --mount /notes=HOST_DIR"), report);
            assertTrue(report.contains("DENIED env UNDECLARED: set by the host policy but not declared"), report);
            assertTrue(report.contains("the server would not start"), report);
            assertTrue(report.contains("/notes bound to an empty read-only directory"), report);
            assertTrue(report.contains("tools (rust-notes"), report);
            assertTrue(report.contains("  add_note"), report);

            String granted = inspect(runtime, TestGuests.RUST_NOTES, HostPolicy.builder().mount("/notes", notes)
                    .build(), true, Main.OK);
            assertTrue(granted.contains("GRANTED filesystem /notes"), granted);
            assertTrue(!granted.contains("empty read-only directory"), granted);
        }
    }

    @Test
    void aModuleWithoutAManifestIsShownAsGrantedNothing() throws Exception {
        try (McpRuntime runtime = McpRuntime.create()) {
            String report = inspect(runtime, TestGuests.silent(tmp), HostPolicy.builder().mount("/data", tmp).build(),
                    false, Main.OK);
            assertTrue(report.contains("manifest: none"), report);
            assertTrue(report.contains("DENIED filesystem /data: bound by the host policy but not declared"), report);
        }
    }
}
