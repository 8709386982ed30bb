package io.mcpwasm.samples;

import static io.mcpwasm.samples.SampleSupport.assertContains;
import static io.mcpwasm.samples.SampleSupport.assertLines;
import static io.mcpwasm.samples.SampleSupport.call;
import static io.mcpwasm.samples.SampleSupport.ok;
import static io.mcpwasm.samples.SampleSupport.toolError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpwasm.McpErrorException;
import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.ToolResult;
import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.CapabilityDeniedException;
import io.mcpwasm.wasi.Grants;
import io.mcpwasm.wasi.HostPolicy;
import io.mcpwasm.wasi.Manifest;
import io.mcpwasm.wasi.MountMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Go sample ({@code samples/go-workspace/go-workspace.wasm}, the official Go MCP SDK) run through the runtime
 * with {@code /workspace} bound read-only to a temporary copy of {@code samples/go-workspace/sample-docs}.
 *
 * <p>Two servers share the loaded module: {@code workspace} browses a clean copy; {@code trapped} browses a copy
 * with symlinks planted in it that point at a secret file outside the mount, absolute and relative, as a
 * malicious repository might contain. The Go server follows symlinks; the sandbox must not.
 */
class GoWorkspaceSampleTest {
    private static final String NAME = "go-workspace";
    private static final String SECRET = "TOP-SECRET-4242: outside the mount";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final SampleSupport.AuditRecorder AUDIT = new SampleSupport.AuditRecorder();
    private static McpRuntime runtime;
    private static McpModule module;
    private static McpServer workspace;
    private static McpServer trapped;

    @TempDir
    static Path temp;
    private static Path docs;
    private static Path trapDocs;
    private static Path secretFile;

    @BeforeAll
    static void start() throws Exception {
        docs = temp.resolve("docs");
        SampleSupport.copyTree(SampleSupport.sample("go-workspace/sample-docs"), docs);

        Path outside = Files.createDirectories(temp.resolve("outside"));
        secretFile = outside.resolve("secret.txt");
        Files.writeString(secretFile, SECRET + "\n");
        trapDocs = temp.resolve("trap/docs");
        SampleSupport.copyTree(SampleSupport.sample("go-workspace/sample-docs"), trapDocs);
        Files.createSymbolicLink(trapDocs.resolve("innocent.txt"), secretFile.toAbsolutePath());
        // from trap/docs/notes: ../../../outside/secret.txt
        Files.createSymbolicLink(trapDocs.resolve("notes/harmless.txt"), Path.of("../../../outside/secret.txt"));
        assertEquals(SECRET + "\n", Files.readString(trapDocs.resolve("notes/harmless.txt")),
                "the relative link must really reach the secret on the host");

        runtime = SampleSupport.runtime(AUDIT);
        module = runtime.load(SampleSupport.sample("go-workspace/go-workspace.wasm"));
        workspace = module.start(policy(docs), SampleSupport.SERVER_OPTIONS);
        trapped = module.start(policy(trapDocs), SampleSupport.SERVER_OPTIONS);
    }

    private static HostPolicy policy(Path dir) {
        return HostPolicy.builder()
                .mountReadOnly("/workspace", dir)
                .maxCallTimeout(SampleSupport.CALL_TIMEOUT)
                .build();
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @BeforeEach
    void clearAudit() {
        AUDIT.clear();
    }

    // ------------------------------------------------------------------------------------------- the module

    @Test
    void embeddedManifestIsTheCommittedOne() throws Exception {
        Manifest embedded = module.manifest().orElseThrow(() -> new AssertionError("go-workspace.wasm has no manifest"));
        assertEquals(Manifest.parse(Files.readAllBytes(SampleSupport.sample("go-workspace/manifest.json"))), embedded);
        assertEquals(List.of(new Manifest.Mount("/workspace", MountMode.READ_ONLY, "files to browse", true)),
                embedded.mounts());
        assertEquals(128L << 20, embedded.limits().memoryBytes().orElseThrow());
    }

    @Test
    void grantsExactlyTheReadOnlyWorkspace() throws Exception {
        List<Grants.MountGrant> mounts = workspace.grants().mounts();
        assertEquals(1, mounts.size(), mounts.toString());
        assertEquals("/workspace", mounts.get(0).guestPath());
        assertEquals(MountMode.READ_ONLY, mounts.get(0).mode());
        assertEquals(docs.toRealPath(), mounts.get(0).hostDir().toRealPath());
        assertTrue(workspace.grants().env().isEmpty());
        assertEquals(NAME, workspace.info().name());
        assertEquals("0.1.0", workspace.info().version());
    }

    @Test
    void aSecondRuntimeOnTheWarmCompileCacheRunsTheModuleToo() throws Exception {
        // The first load in this JVM compiled the module or took it from target/test-compile-cache; either way the
        // cache is warm now, and the second runtime runs the cached classes on the cached (stripped) copy. (Functions
        // too large for JVM bytecode would run on the interpreter from that copy; samples/go-workspace/build.sh keeps
        // this module free of them, and runtime's CodeStripperTest covers the case.)
        try (McpRuntime second = SampleSupport.runtime(AUDIT)) {
            McpModule again = second.load(SampleSupport.sample("go-workspace/go-workspace.wasm"));
            assertTrue(second.compileCacheHits() > 0, "the second load did not use the compile cache");
            try (McpServer s = again.start(policy(docs), SampleSupport.SERVER_OPTIONS)) {
                assertLines(SampleSupport.relativeFiles(docs), ok(s, "list_files", Map.of()));
                assertEquals("data/cities.csv:4: Lyon,France,522000", ok(s, "search_text", Map.of("pattern", "Lyon")));
            }
        }
    }

    @Test
    void listsExactlyItsFourTools() {
        assertEquals(Set.of("list_files", "read_file", "search_text", "file_info"), SampleSupport.toolNames(workspace));
    }

    @Test
    void withoutWorkspaceTheServerDoesNotStart(@TempDir Path elsewhere) {
        CapabilityDeniedException e = assertThrows(CapabilityDeniedException.class,
                () -> module.start(HostPolicy.denyAll(), SampleSupport.SERVER_OPTIONS));
        assertContains(e.getMessage(), "/workspace", NAME);
        assertEquals("/workspace", e.target());
        assertEquals("filesystem", e.capability());
        AUDIT.assertDenied(NAME, "filesystem", "/workspace");

        // binding some other guest path does not help
        HostPolicy wrongPath = HostPolicy.builder().mountReadOnly("/work", elsewhere).build();
        CapabilityDeniedException e2 = assertThrows(CapabilityDeniedException.class,
                () -> module.start(wrongPath, SampleSupport.SERVER_OPTIONS));
        assertContains(e2.getMessage(), "required mount /workspace is not bound");
    }

    // ------------------------------------------------------------------------------------------ good calls

    @Test
    void listFilesListsEveryCopiedDocument() throws Exception {
        List<String> expected = SampleSupport.relativeFiles(docs);
        assertEquals(List.of("README.md", "data/cities.csv", "guide.md", "notes/todo.txt"), expected);
        assertLines(expected, ok(workspace, "list_files", Map.of()));
        assertLines(expected, ok(workspace, "list_files", Map.of("pattern", "**")));
        assertLines(List.of("README.md", "guide.md"), ok(workspace, "list_files", Map.of("pattern", "**/*.md")));
        assertLines(List.of("notes/todo.txt"), ok(workspace, "list_files", Map.of("pattern", "notes/*")));
        assertEquals("no files match \"*.xyz\"", ok(workspace, "list_files", Map.of("pattern", "*.xyz")));
    }

    @Test
    void readFileReturnsTheFileAndPagesThroughIt() throws Exception {
        String readme = Files.readString(docs.resolve("README.md"));
        assertEquals(readme, ok(workspace, "read_file", Map.of("path", "README.md")));
        assertEquals(readme, ok(workspace, "read_file", Map.of("path", "/workspace/README.md")));
        assertEquals(Files.readString(docs.resolve("notes/todo.txt")),
                ok(workspace, "read_file", Map.of("path", "notes/todo.txt")));

        byte[] guide = Files.readAllBytes(docs.resolve("guide.md"));
        String first = ok(workspace, "read_file", Map.of("path", "guide.md", "limit", 20));
        assertEquals(new String(guide, 0, 20, StandardCharsets.UTF_8)
                + "\n[read bytes 0-20 of " + guide.length + "; continue with offset=20]", first);
        String rest = ok(workspace, "read_file", Map.of("path", "guide.md", "offset", 20));
        assertEquals(new String(guide, 20, guide.length - 20, StandardCharsets.UTF_8), rest);
    }

    @Test
    void searchTextFindsTheLineWithPathAndLineNumber() {
        assertEquals("data/cities.csv:3: Porto,Portugal,232000", ok(workspace, "search_text", Map.of("pattern", "Porto")));
        assertLines(List.of("notes/todo.txt:1: TODO: write the quick start",
                        "notes/todo.txt:2: TODO: add a benchmark for cold start"),
                ok(workspace, "search_text", Map.of("pattern", "^TODO", "glob", "notes/*")));
        assertLines(List.of("data/cities.csv:2: Lisbon,Portugal,545000",
                        "data/cities.csv:3: Porto,Portugal,232000"),
                ok(workspace, "search_text", Map.of("pattern", ",Portugal,")));
        assertEquals("guide.md:3: mcpwasm runs an MCP server compiled to wasm32-wasip1 inside the JVM.",
                ok(workspace, "search_text", Map.of("pattern", "(?i)wasm")));
        assertLines(List.of("README.md:4: The host mounts it read-only at `/workspace` inside the WebAssembly guest.",
                        "guide.md:6: 1. Mounts: a host directory appears at a guest path, read-only or read-write.",
                        "notes/todo.txt:3: DONE: read-only mounts"),
                ok(workspace, "search_text", Map.of("pattern", "(?i)mounts")));
        assertLines(List.of("README.md:4: The host mounts it read-only at `/workspace` inside the WebAssembly guest.",
                        "[stopped after 1 matches; raise maxResults or narrow the pattern]"),
                ok(workspace, "search_text", Map.of("pattern", "(?i)mounts", "maxResults", 1)));
        assertEquals("no matches for \"zebra\"", ok(workspace, "search_text", Map.of("pattern", "zebra")));
    }

    @Test
    void fileInfoGivesSizeTimeAndKind() throws Exception {
        JsonNode info = JSON.readTree(ok(workspace, "file_info", Map.of("path", "data/cities.csv")));
        assertEquals("data/cities.csv", info.get("path").asText());
        assertEquals(Files.size(docs.resolve("data/cities.csv")), info.get("size").asLong());
        assertEquals(108, info.get("size").asLong());
        assertFalse(info.get("isDir").asBoolean());
        Instant mtime = Files.getLastModifiedTime(docs.resolve("data/cities.csv")).toInstant();
        assertEquals(mtime.truncatedTo(ChronoUnit.SECONDS), Instant.parse(info.get("mtime").asText()));

        JsonNode dir = JSON.readTree(ok(workspace, "file_info", Map.of("path", "notes")));
        assertTrue(dir.get("isDir").asBoolean());
        JsonNode root = JSON.readTree(ok(workspace, "file_info", Map.of("path", ".")));
        assertEquals(".", root.get("path").asText());
        assertTrue(root.get("isDir").asBoolean());
    }

    // ------------------------------------------------------------------------------------------ bad calls

    @Test
    void missingOrMistypedArgumentsAreToolErrorsNamingTheArgument() {
        assertContains(toolError(workspace, "read_file", Map.of()), "missing properties", "\"path\"");
        assertContains(toolError(workspace, "file_info", Map.of()), "missing properties", "\"path\"");
        assertContains(toolError(workspace, "search_text", Map.of()), "missing properties", "\"pattern\"");
        assertContains(toolError(workspace, "read_file", Map.of("path", 7)), "/properties/path", "want \"string\"");
        assertContains(toolError(workspace, "read_file", Map.of("path", "README.md", "offset", -1)),
                "offset must be >= 0");
        assertContains(toolError(workspace, "read_file", Map.of("path", "guide.md", "offset", 100_000)),
                "offset 100000 is past the end of guide.md");
        assertContains(toolError(workspace, "search_text", Map.of("pattern", "(unclosed")),
                "bad regex \"(unclosed\"", "missing closing )");
        assertContains(toolError(workspace, "list_files", Map.of("pattern", "[bad")), "bad glob pattern \"[bad\"");
        assertEquals("notes is a directory; use list_files", toolError(workspace, "read_file", Map.of("path", "notes")));
    }

    @Test
    void aMissingFileIsAToolError() {
        assertEquals("file not found: missing.md", toolError(workspace, "read_file", Map.of("path", "missing.md")));
        assertEquals("file not found: notes/missing.txt",
                toolError(workspace, "file_info", Map.of("path", "notes/missing.txt")));
    }

    @Test
    void anUnknownToolIsAnInvalidParamsError() {
        McpErrorException e = assertThrows(McpErrorException.class, () -> call(workspace, "write_file", Map.of()));
        assertEquals(-32602, e.code());
        assertContains(e.errorMessage(), "write_file");
    }

    // ---------------------------------------------------------------------------------- leaving the mount

    @Test
    void climbingOutWithDotDotOrAnAbsolutePathIsRefused() throws Exception {
        for (String path : List.of("../outside/secret.txt", "notes/../../outside/secret.txt", "..")) {
            String message = toolError(workspace, "read_file", Map.of("path", path));
            assertEquals("path \"" + path + "\" leaves the workspace", message);
        }
        String hostPath = secretFile.toAbsolutePath().toString();
        assertEquals("path \"" + hostPath + "\" must be relative to the workspace root",
                toolError(workspace, "read_file", Map.of("path", hostPath)));
        assertContains(toolError(workspace, "file_info", Map.of("path", "../outside")), "leaves the workspace");
        assertContains(toolError(workspace, "list_files", Map.of("pattern", "/etc/*")), "must be a relative glob");
        assertEquals(SECRET + "\n", Files.readString(secretFile));
    }

    @Test
    void anAbsoluteSymlinkOutOfTheMountIsNotFollowed() {
        ToolResult r = call(trapped, "read_file", Map.of("path", "innocent.txt"));
        assertTrue(r.isError(), "the read must fail, got: " + r.text());
        assertFalse(r.text().contains("TOP-SECRET"), r.text());
        assertEquals("open innocent.txt: Capabilities insufficient", r.text());

        AuditEvent denied = AUDIT.assertDenied(NAME, "filesystem", "/workspace/innocent.txt");
        assertContains(denied.reason(), "path_open", "absolute symlink target would escape the grant", "ENOTCAPABLE");
        assertFalse(denied.reason().contains(secretFile.toString()), "the audit must not reveal the host path");

        // not even its size leaks
        assertEquals("stat innocent.txt: Capabilities insufficient",
                toolError(trapped, "file_info", Map.of("path", "innocent.txt")));
        assertTrue(AUDIT.denied(NAME, "filesystem").stream().anyMatch(e -> e.target().equals("/workspace/innocent.txt")
                && e.reason().startsWith("path_filestat_get: absolute symlink target would escape the grant")),
                () -> "no DENIED path_filestat_get event: " + AUDIT.events());
    }

    @Test
    void aRelativeSymlinkClimbingOutOfTheMountIsNotFollowed() {
        ToolResult r = call(trapped, "read_file", Map.of("path", "notes/harmless.txt"));
        assertTrue(r.isError(), "the read must fail, got: " + r.text());
        assertFalse(r.text().contains("TOP-SECRET"), r.text());
        assertEquals("open notes/harmless.txt: Capabilities insufficient", r.text());

        AuditEvent denied = AUDIT.assertDenied(NAME, "filesystem", "/workspace/notes/harmless.txt");
        assertContains(denied.reason(), "path_open", "escape the grant", "ENOTCAPABLE");
    }

    @Test
    void aSearchOverTheTrappedCopyNeverReadsThroughTheLinks() {
        String hits = ok(trapped, "search_text", Map.of("pattern", "SECRET"));
        assertFalse(hits.contains("TOP-SECRET"), hits);
        assertLines(List.of("no matches for \"SECRET\"", "[2 files skipped: unreadable or larger than 4194304 bytes]"),
                hits);
        AUDIT.assertDenied(NAME, "filesystem", "/workspace/innocent.txt");
        AUDIT.assertDenied(NAME, "filesystem", "/workspace/notes/harmless.txt");
        // the real documents are still searchable
        assertLines(List.of("data/cities.csv:5: Graz,Austria,291000",
                        "[2 files skipped: unreadable or larger than 4194304 bytes]"),
                ok(trapped, "search_text", Map.of("pattern", "Graz")));
    }
}
