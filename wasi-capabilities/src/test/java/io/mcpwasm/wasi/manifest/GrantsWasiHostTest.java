package io.mcpwasm.wasi.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import run.endive.runtime.Instance;
import com.dylibso.chicory.wabt.Wat2Wasm;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.Grants;
import io.mcpwasm.wasi.HostPolicy;
import io.mcpwasm.wasi.Manifest;
import io.mcpwasm.wasi.Sandbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Grants applied to a real Sandbox, observed by a real wasm guest (grants-probe.wat). */
class GrantsWasiHostTest {

    private static final String MANIFEST = """
            {"manifestVersion": 1, "name": "probe",
             "mounts": [{"guestPath": "/data", "mode": "rw", "purpose": "scratch"},
                        {"guestPath": "/cache", "mode": "rw", "required": false}],
             "env": ["GREETING", "UNSET"],
             "secrets": [{"name": "token", "guestPath": "/run/secrets/token"}]}
            """;

    private final List<AuditEvent> events = new ArrayList<>();
    private FileSystem fs;
    private Path data;
    private Path cache;
    private Path elsewhere;

    @BeforeEach
    void setUp() throws IOException {
        fs = Jimfs.newFileSystem(Configuration.unix());
        data = Files.createDirectories(fs.getPath("/srv/data"));
        cache = Files.createDirectories(fs.getPath("/srv/cache"));
        elsewhere = Files.createDirectories(fs.getPath("/srv/elsewhere"));
    }

    @AfterEach
    void tearDown() throws IOException {
        fs.close();
    }

    private static WasmModule probe() throws IOException {
        try (InputStream in = GrantsWasiHostTest.class.getResourceAsStream("grants-probe.wat")) {
            byte[] wasm = Wat2Wasm.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return Parser.parse(Manifest.embed(wasm, MANIFEST.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static List<String> run(WasmModule module, Grants grants) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Sandbox host = Sandbox.builder(grants).stdout((b, off, len) -> out.write(b, off, len)).build()) {
            Instance instance = Instance.builder(module).withImportValues(host.toImportValues())
                    .withStart(false).build();
            instance.export("_start").apply();
        }
        return Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\n"));
    }

    private static String line(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(
                () -> new AssertionError("no " + prefix + " line in " + lines));
    }

    @Test
    void theGuestSeesExactlyTheGrants() throws IOException {
        WasmModule module = probe();
        Manifest manifest = Manifest.fromWasm(Manifest.embed(Wat2Wasm.parse("(module)"),
                MANIFEST.getBytes(StandardCharsets.UTF_8))).orElseThrow();
        Instant fixed = Instant.parse("2026-01-02T03:04:05Z");
        HostPolicy policy = HostPolicy.builder()
                .mountReadOnly("/data", data)              // rw asked, read-only given
                .mount("/elsewhere", elsewhere)            // not declared: never granted
                .env("GREETING", "hello").env("PATH", "/usr/bin")
                .secret("token", "tok-123".getBytes(StandardCharsets.UTF_8))
                .refuseOptional()                          // drops the optional /cache even though it is bound
                .mount("/cache", cache)
                .wallClockStart(fixed)
                .build();
        Grants grants = Grants.resolve(manifest, policy, events::add);

        List<String> lines = run(module, grants);

        assertEquals(List.of("P:/data", "P:/run/secrets"),
                lines.stream().filter(l -> l.startsWith("P:")).toList(), lines.toString());
        assertEquals("E:GREETING=hello\0", line(lines, "E:"));
        assertEquals("S:tok-123", line(lines, "S"));
        assertNotEquals("W:00", line(lines, "W:"), "creating a file in the read-only /data must fail");
        assertTrue(Files.notExists(data.resolve("new.txt")));
        // the date is hidden: realtime starts at the policy's instant and only real elapsed time is added
        long realtime = Long.parseUnsignedLong(line(lines, "C:").substring(2), 16);
        long start = TimeUnit.SECONDS.toNanos(fixed.getEpochSecond());
        assertTrue(realtime >= start && realtime < start + TimeUnit.SECONDS.toNanos(60), line(lines, "C:"));
        assertTrue(events.stream().anyMatch(e -> e.decision() == AuditEvent.Decision.DENIED
                && e.capability().equals("filesystem") && e.target().startsWith("/data")
                && !e.reason().contains("not declared")), "the refused write is audited: " + events);
    }

    @Test
    void aWritableGrantLetsTheGuestCreateAFileAndRealtimeIsReal() throws IOException {
        WasmModule module = probe();
        Manifest manifest = Manifest.parse(MANIFEST.replace("\"name\": \"probe\"",
                "\"name\": \"probe\", \"clock\": {\"realtime\": true}"));
        HostPolicy policy = HostPolicy.builder().mount("/data", data)
                .secret("token", "t".getBytes(StandardCharsets.UTF_8)).allowRealtimeClock().build();
        Grants grants = Grants.resolve(manifest, policy, events::add);
        List<String> lines = run(module, grants);
        assertEquals("W:00", line(lines, "W:"));
        assertTrue(Files.exists(data.resolve("new.txt")));
        assertEquals("E:", line(lines, "E:"), "no variable was set: the guest sees none");
        long nanos = Long.parseUnsignedLong(line(lines, "C:").substring(2), 16);
        assertTrue(nanos > TimeUnit.SECONDS.toNanos(Instant.parse("2020-01-01T00:00:00Z").getEpochSecond()),
                "the real time, not a fixed one: " + nanos);
        assertFalse(lines.contains("P:/cache"), "optional mount not bound: not granted");
    }

    @Test
    void withoutMountsTheGuestSeesOnlyItsSecretsAndEnv() throws IOException {
        WasmModule module = probe();
        Manifest manifest = Manifest.parse("""
                {"manifestVersion": 1, "name": "probe", "env": ["A", "B"],
                 "secrets": [{"name": "token", "guestPath": "/run/secrets/token"}]}
                """);
        HostPolicy policy = HostPolicy.builder().env("B", "2").env("A", "1").env("C", "3")
                .mount("/data", data)
                .secret("token", "abc".getBytes(StandardCharsets.UTF_8)).build();
        List<String> lines = run(module, Grants.resolve(manifest, policy, events::add));
        assertEquals(List.of("P:/run/secrets"), lines.stream().filter(l -> l.startsWith("P:")).toList());
        assertEquals("E:A=1\0B=2\0", line(lines, "E:"), "manifest order, undeclared C left out");
        assertEquals("S:abc", line(lines, "S"));
        assertNotEquals("W:00", line(lines, "W:"), "the secret directory is read-only");
        long realtime = Long.parseUnsignedLong(line(lines, "C:").substring(2), 16);
        assertTrue(realtime > TimeUnit.SECONDS.toNanos(Instant.parse("2020-01-01T00:00:00Z").getEpochSecond()),
                "the real time by default, though the manifest does not ask: " + realtime);
    }

    @Test
    void aPolicyCanWithholdShiftOrFixTheGuestsClock() throws IOException {
        WasmModule module = probe();
        Manifest manifest = Manifest.parse("{\"manifestVersion\": 1, \"name\": \"probe\"}");
        long withheld = realtime(module, manifest, HostPolicy.builder().withholdRealtimeClock().build());
        assertTrue(withheld < TimeUnit.SECONDS.toNanos(600), "withheld: starts at the epoch: " + withheld);

        Instant fixed = Instant.parse("2030-05-06T07:08:09Z");
        long f = realtime(module, manifest, HostPolicy.builder().fixedClock(fixed).build());
        assertEquals(TimeUnit.SECONDS.toNanos(fixed.getEpochSecond()), f, "a fixed clock reads its start exactly");

        long before = TimeUnit.SECONDS.toNanos(Instant.now().minus(Duration.ofDays(365)).getEpochSecond());
        long shifted = realtime(module, manifest, HostPolicy.builder().realtimeClockOffset(Duration.ofDays(-365)).build());
        long after = TimeUnit.SECONDS.toNanos(Instant.now().minus(Duration.ofDays(365)).getEpochSecond() + 1);
        assertTrue(shifted >= before && shifted <= after, "a year back: " + shifted);
    }

    private long realtime(WasmModule module, Manifest manifest, HostPolicy policy) throws IOException {
        List<String> lines = run(module, Grants.resolve(manifest, policy, events::add));
        return Long.parseUnsignedLong(line(lines, "C:").substring(2), 16);
    }
}
