package io.mcpwasm.samples;

import static io.mcpwasm.samples.SampleSupport.assertContains;
import static io.mcpwasm.samples.SampleSupport.call;
import static io.mcpwasm.samples.SampleSupport.ok;
import static io.mcpwasm.samples.SampleSupport.toolError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpwasm.McpErrorException;
import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.ServerState;
import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.CapabilityDeniedException;
import io.mcpwasm.wasi.Grants;
import io.mcpwasm.wasi.HostPolicy;
import io.mcpwasm.wasi.Manifest;
import io.mcpwasm.wasi.MountMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Rust sample ({@code samples/rust-notes/rust-notes.wasm}, rmcp) run through the runtime with {@code /notes}
 * bound read-write to a fresh temporary directory per test and a small host quota, so that a quota hit is easy
 * to provoke.
 */
class RustNotesSampleTest {
    private static final String NAME = "rust-notes";
    /** Room for a few notes: each file costs its bytes plus 4160 and its name (the entry), see docs/manifest.md. */
    private static final long QUOTA = 40 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One line of list_notes: id, title, (body size, created seconds). */
    private static final Pattern LISTED = Pattern.compile("(n-\\d+)\t([^\t]*)\t\\((\\d+) bytes, created (\\d+)\\)");

    private static final SampleSupport.AuditRecorder AUDIT = new SampleSupport.AuditRecorder();
    private static McpRuntime runtime;
    private static McpModule module;

    @TempDir
    Path notes;
    private McpServer server;

    @BeforeAll
    static void load() {
        runtime = SampleSupport.runtime(AUDIT);
        module = runtime.load(SampleSupport.sample("rust-notes/rust-notes.wasm"));
    }

    @AfterAll
    static void closeRuntime() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @BeforeEach
    void start(TestInfo test) {
        AUDIT.clear();
        if (!test.getTestMethod().orElseThrow().getName().equals("embeddedManifestIsTheCommittedOne")) {
            // Without its manifest the module is granted nothing and every other test here fails for that one
            // reason, which embeddedManifestIsTheCommittedOne reports.
            assumeTrue(module.manifest().isPresent(), "rust-notes.wasm carries no embedded manifest");
        }
        server = module.start(policy(notes), SampleSupport.SERVER_OPTIONS);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static HostPolicy policy(Path dir) {
        return HostPolicy.builder()
                .mount("/notes", dir)
                .maxFilesystemQuota(QUOTA)
                .maxCallTimeout(SampleSupport.CALL_TIMEOUT)
                .build();
    }

    // ------------------------------------------------------------------------------------------- the module

    @Test
    void embeddedManifestIsTheCommittedOne() throws Exception {
        Manifest embedded = module.manifest().orElseThrow(() -> new AssertionError(
                "samples/rust-notes/rust-notes.wasm carries no mcpwasm.manifest section (rebuild it with"
                        + " wasi-capabilities compiled so that embed-manifest.sh embeds manifest.json)"));
        assertEquals(Manifest.parse(Files.readAllBytes(SampleSupport.sample("rust-notes/manifest.json"))), embedded);
        assertEquals(List.of(new Manifest.Mount("/notes", MountMode.READ_WRITE, "where the notes are stored", true)),
                embedded.mounts());
        assertEquals(1L << 20, embedded.limits().filesystemQuotaBytes().orElseThrow());
    }

    @Test
    void grantsTheNotesMountReadWriteWithTheHostsSmallerQuota() throws Exception {
        List<Grants.MountGrant> mounts = server.grants().mounts();
        assertEquals(1, mounts.size(), mounts.toString());
        assertEquals("/notes", mounts.get(0).guestPath());
        assertEquals(MountMode.READ_WRITE, mounts.get(0).mode());
        assertEquals(QUOTA, mounts.get(0).quotaBytes());
        assertEquals(notes.toRealPath(), mounts.get(0).hostDir().toRealPath());
        assertEquals(NAME, server.info().name());
    }

    @Test
    void listsExactlyItsFourTools() {
        assertEquals(Set.of("add_note", "list_notes", "search_notes", "delete_note"), SampleSupport.toolNames(server));
    }

    @Test
    void withoutNotesTheServerDoesNotStart() {
        CapabilityDeniedException e = assertThrows(CapabilityDeniedException.class,
                () -> module.start(HostPolicy.denyAll(), SampleSupport.SERVER_OPTIONS));
        assertContains(e.getMessage(), NAME, "/notes");
        assertEquals("/notes", e.target());
    }

    // ------------------------------------------------------------------------------------------ good calls

    @Test
    void addListSearchDelete() throws Exception {
        assertEquals("no notes yet", ok(server, "list_notes", Map.of()));
        assertEquals("added n-1: groceries (17 bytes)",
                ok(server, "add_note", Map.of("title", "groceries", "body", "milk, eggs, bread")));
        assertEquals("added n-2: ideas (28 bytes)",
                ok(server, "add_note", Map.of("title", "  ideas ", "body", "run MCP servers in a sandbox")));

        List<String[]> listed = parseList(ok(server, "list_notes", Map.of()));
        assertEquals(2, listed.size());
        assertEquals(List.of("n-1", "groceries", "17"), List.of(listed.get(0)).subList(0, 3));
        assertEquals(List.of("n-2", "ideas", "28"), List.of(listed.get(1)).subList(0, 3));
        // the guest gets the real date by default (the sample's manifest does not ask for it)
        long now = java.time.Instant.now().getEpochSecond();
        for (String[] note : listed) {
            long created = Long.parseLong(note[3]);
            assertTrue(created > now - 3600 && created <= now + 60, "created " + created + " is not today (now " + now + ")");
        }

        // the notes are files in the host directory
        assertEquals(List.of("n-1.json", "n-2.json"), SampleSupport.fileNames(notes));
        JsonNode stored = JSON.readTree(notes.resolve("n-2.json").toFile());
        assertEquals("n-2", stored.get("id").asText());
        assertEquals("ideas", stored.get("title").asText());
        assertEquals("run MCP servers in a sandbox", stored.get("body").asText());

        // case-insensitive; the snippet starts up to 20 characters before the first match in the body
        assertEquals("n-2\tideas\t...un MCP servers in a sandbox", ok(server, "search_notes", Map.of("query", "SANDBOX")));
        assertEquals("n-1\tgroceries\tmilk, eggs, bread", ok(server, "search_notes", Map.of("query", "grocer")));
        assertEquals("no notes match \"zebra\"", ok(server, "search_notes", Map.of("query", "zebra")));

        assertEquals("deleted n-1", ok(server, "delete_note", Map.of("id", "n-1")));
        assertEquals(List.of("n-2.json"), SampleSupport.fileNames(notes));
        List<String[]> after = parseList(ok(server, "list_notes", Map.of()));
        assertEquals(1, after.size());
        assertEquals("n-2", after.get(0)[0]);
        assertEquals("no notes match \"milk\"", ok(server, "search_notes", Map.of("query", "milk")));
    }

    @Test
    void notesWrittenByTheHostAreFound() throws Exception {
        Files.writeString(notes.resolve("n-7.json"),
                "{\"id\":\"n-7\",\"title\":\"from the host\",\"body\":\"planted by Java\",\"created\":0}");
        assertEquals("n-7\tfrom the host\t(15 bytes, created 0)", ok(server, "list_notes", Map.of()));
        assertEquals("added n-8: next (1 bytes)", ok(server, "add_note", Map.of("title", "next", "body", "x")));
    }

    // ------------------------------------------------------------------------------------------ bad calls

    @Test
    void missingOrMistypedArgumentsAreToolErrorsNamingTheArgument() {
        assertContains(toolError(server, "add_note", Map.of("body", "no title")), "missing field `title`");
        assertContains(toolError(server, "add_note", Map.of("title", "no body")), "missing field `body`");
        assertContains(toolError(server, "add_note", Map.of("title", 3, "body", "x")), "invalid type: integer `3`");
        assertContains(toolError(server, "delete_note", Map.of()), "missing field `id`");
        assertContains(toolError(server, "search_notes", Map.of()), "missing field `query`");
        assertEquals("title must not be empty", toolError(server, "add_note", Map.of("title", "  ", "body", "x")));
        assertEquals("title is longer than 200 characters",
                toolError(server, "add_note", Map.of("title", "t".repeat(201), "body", "x")));
        assertEquals("query must not be empty", toolError(server, "search_notes", Map.of("query", " ")));
        assertEquals("no notes yet", ok(server, "list_notes", Map.of()), "nothing was stored by the failed calls");
    }

    @Test
    void badOrUnknownIdsAreToolErrors() throws Exception {
        assertEquals("no note with id n-99", toolError(server, "delete_note", Map.of("id", "n-99")));
        for (String id : List.of("../n-1", "/etc/passwd", "n-1.json", "n-", "x-1")) {
            assertEquals("invalid id \"" + id + "\": ids look like n-1, n-2, ...",
                    toolError(server, "delete_note", Map.of("id", id)));
        }
        ok(server, "add_note", Map.of("title", "keep", "body", "me"));
        assertEquals("deleted n-1", ok(server, "delete_note", Map.of("id", "n-1")));
        assertEquals("no note with id n-1", toolError(server, "delete_note", Map.of("id", "n-1")));
    }

    @Test
    void anUnknownToolIsAnInvalidParamsError() {
        McpErrorException e = assertThrows(McpErrorException.class, () -> call(server, "purge_notes", Map.of()));
        assertEquals(-32602, e.code());
        assertEquals("tool not found", e.errorMessage());
    }

    @Test
    void aNoteOverTheHostQuotaIsRefusedAndTheDirectoryStaysWithinIt() throws Exception {
        assertEquals("added n-1: small (5 bytes)", ok(server, "add_note", Map.of("title", "small", "body", "hello")));
        long before = SampleSupport.treeBytes(notes);

        String message = toolError(server, "add_note", Map.of("title", "too big", "body", "x".repeat(64 * 1024)));
        assertEquals("cannot save the note to /notes/n-2.json: the host's filesystem quota for /notes is exhausted",
                message);

        assertTrue(SampleSupport.treeBytes(notes) <= QUOTA, "the notes directory grew past the quota: "
                + SampleSupport.treeBytes(notes) + " bytes");
        assertEquals(before, SampleSupport.treeBytes(notes), "nothing of the refused note may stay behind");
        assertEquals(List.of("n-1.json"), SampleSupport.fileNames(notes));

        AuditEvent denied = AUDIT.denied(NAME, "filesystem").stream()
                .filter(e -> e.target().startsWith("/notes/"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no DENIED filesystem event: " + AUDIT.events()));
        assertContains(denied.reason(), "quota exceeded", "EDQUOT");

        // what fits still fits
        assertEquals(1, parseList(ok(server, "list_notes", Map.of())).size());
        assertEquals("added n-2: fits (2 bytes)", ok(server, "add_note", Map.of("title", "fits", "body", "ok")));
    }

    @Test
    void fillingTheQuotaNoteByNoteStopsAtTheQuota() throws Exception {
        int added = 0;
        String refusal = null;
        for (int i = 0; i < 20 && refusal == null; i++) {
            var r = call(server, "add_note", Map.of("title", "note " + i, "body", "y".repeat(500)));
            if (r.isError()) {
                refusal = r.text();
            } else {
                added++;
            }
        }
        assertTrue(refusal != null, "20 notes of 500 bytes cannot fit in " + QUOTA + " bytes");
        assertContains(refusal, "quota");
        assertTrue(added >= 5, "only " + added + " notes fit");
        assertTrue(SampleSupport.treeBytes(notes) <= QUOTA, SampleSupport.treeBytes(notes) + " bytes");
        assertEquals(added, parseList(ok(server, "list_notes", Map.of())).size());
        assertEquals(added, SampleSupport.fileNames(notes).size(), SampleSupport.fileNames(notes).toString());

        // deleting gives the bytes back
        assertEquals("deleted n-1", ok(server, "delete_note", Map.of("id", "n-1")));
        ok(server, "add_note", Map.of("title", "after delete", "body", "y".repeat(400)));
        assertTrue(SampleSupport.treeBytes(notes) <= QUOTA, SampleSupport.treeBytes(notes) + " bytes");
    }

    @Test
    void aReadOnlyBindingKeepsTheNotesButRefusesChanges(@TempDir Path readOnly) throws Exception {
        Files.writeString(readOnly.resolve("n-1.json"),
                "{\"id\":\"n-1\",\"title\":\"kept\",\"body\":\"as it was\",\"created\":0}");
        HostPolicy ro = HostPolicy.builder().mountReadOnly("/notes", readOnly).build();
        try (McpServer reader = module.start(ro, SampleSupport.SERVER_OPTIONS)) {
            assertEquals(MountMode.READ_ONLY, reader.grants().mounts().get(0).mode());
            assertEquals("n-1\tkept\t(9 bytes, created 0)", ok(reader, "list_notes", Map.of()));
            assertEquals("cannot save the note to /notes/n-2.json: the mount is read-only (the /notes mount must be"
                    + " read-write)", toolError(reader, "add_note", Map.of("title", "new", "body", "refused")));
            assertContains(toolError(reader, "delete_note", Map.of("id", "n-1")), "cannot delete /notes/n-1.json");
        }
        assertEquals(List.of("n-1.json"), SampleSupport.fileNames(readOnly));
        assertContains(AUDIT.assertDenied(NAME, "filesystem", "/notes/n-1.json").reason(),
                "path_unlink_file", "read-only", "EROFS");
        assertContains(AUDIT.assertDenied(NAME, "filesystem", "/notes/.n-2.tmp").reason(), "path_open", "EROFS");
    }

    // ------------------------------------------------------------------------------------------ restarts

    @Test
    void aRestartedServerFindsItsNotesAgain() throws Exception {
        ok(server, "add_note", Map.of("title", "groceries", "body", "milk, eggs, bread"));
        ok(server, "add_note", Map.of("title", "ideas", "body", "run MCP servers in a sandbox"));
        ok(server, "delete_note", Map.of("id", "n-1"));
        ok(server, "add_note", Map.of("title", "later", "body", "written before the restart"));
        String before = ok(server, "list_notes", Map.of());
        server.close();
        assertEquals(ServerState.CLOSED, server.state());
        assertEquals(List.of("n-2.json", "n-3.json"), SampleSupport.fileNames(notes));

        server = module.start(policy(notes), SampleSupport.SERVER_OPTIONS);
        assertEquals(before, ok(server, "list_notes", Map.of()));
        assertEquals("n-2\tideas\t...un MCP servers in a sandbox", ok(server, "search_notes", Map.of("query", "sandbox")));
        assertEquals("added n-4: after (3 bytes)", ok(server, "add_note", Map.of("title", "after", "body", "new")));
        assertEquals(List.of("n-2", "n-3", "n-4"),
                parseList(ok(server, "list_notes", Map.of())).stream().map(n -> n[0]).toList());
    }

    @Test
    void theAuditTrailNamesNoHostPath() throws Exception {
        toolError(server, "add_note", Map.of("title", "too big", "body", "z".repeat(64 * 1024)));
        List<AuditEvent> denied = AUDIT.denied(NAME, "filesystem");
        assertFalse(denied.isEmpty(), AUDIT.events().toString());
        String hostPath = notes.toRealPath().toString();
        for (AuditEvent e : denied) {
            assertFalse(e.target().contains(hostPath) || e.reason().contains(hostPath), e.toString());
        }
    }

    /** list_notes lines as [id, title, size, created]; fails on any line that is not a note. */
    private static List<String[]> parseList(String text) {
        return text.lines().map(line -> {
            Matcher m = LISTED.matcher(line);
            assertTrue(m.matches(), "not a list_notes line: '" + line + "' in:\n" + text);
            return new String[] {m.group(1), m.group(2), m.group(3), m.group(4)};
        }).toList();
    }
}
