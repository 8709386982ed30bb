package io.mcpwasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mcpwasm run} as a client starts it: a separate JVM, JSON-RPC lines on its stdin and stdout. */
class RunCommandTest {
    @TempDir
    Path tmp;

    private static Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-DontCompileHugeMethods", "-cp", System.getProperty("java.class.path"), "io.mcpwasm.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).start();
    }

    private static String stderr(Process p) throws IOException {
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void servesAServerOverStdioAndWritesNothingButProtocolToStdout() throws Exception {
        Process p = start("run", TestGuests.ZIG.toString());
        try (OutputStream in = p.getOutputStream()) {
            in.write(String.join("\n",
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                            + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                    "this is not json",
                    "[{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}]",
                    "{\"jsonrpc\":\"2.0\",\"id\":\"three\",\"method\":\"tools/call\",\"params\":{\"name\":\"sha256\","
                            + "\"arguments\":{\"text\":\"abc\"}}}",
                    "").getBytes(StandardCharsets.UTF_8));
        }
        List<String> lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
                .lines().toList();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = stderr(p);
        assertEquals(0, p.exitValue(), err);
        Map<String, JsonNode> byId = new HashMap<>();
        List<Integer> errors = new ArrayList<>();
        for (String line : lines) {
            JsonNode m = JsonRpc.JSON.readTree(line); // every stdout line is a JSON-RPC message
            assertEquals("2.0", m.path("jsonrpc").asText(), line);
            if (m.get("id").isNull()) {
                errors.add(m.path("error").path("code").asInt());
            } else {
                byId.put(m.get("id").asText(), m);
            }
        }
        assertEquals(List.of(JsonRpc.PARSE_ERROR, JsonRpc.INVALID_REQUEST), errors);
        assertEquals("zig-tools", byId.get("1").path("result").path("serverInfo").path("name").asText());
        assertTrue(byId.get("2").path("result").path("tools").size() >= 4);
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                byId.get("three").path("result").path("content").get(0).path("text").asText());
        assertEquals(3, byId.size());
        assertTrue(err.contains("GRANTED server=zig-tools capability=limit target=memory"), err); // audit: stderr
    }

    @Test
    void aRefusedMountNamesTheFlagThatGrantsItAndWritesNothingToStdout() throws Exception {
        Process p = start("run", TestGuests.RUST_NOTES.toString());
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = stderr(p);
        assertEquals(Main.REFUSED, p.exitValue(), err);
        assertEquals(0, out.length);
        assertTrue(err.contains("grant with --mount /notes=HOST_DIR"), err);

        Process ok = start("run", TestGuests.RUST_NOTES.toString(), "--mount", "/notes=" + tmp);
        ok.getOutputStream().write(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\","
                + "\"version\":\"1\"}}}\n").getBytes(StandardCharsets.UTF_8));
        ok.getOutputStream().close();
        String answer = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ok.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, ok.exitValue(), stderr(ok));
        assertEquals("rust-notes", JsonRpc.JSON.readTree(answer).path("result").path("serverInfo").path("name").asText());
    }

    @Test
    void aRequestTheGuestDoesNotAnswerGetsATimeoutErrorNamingTheFlag() throws Exception {
        Process p = start("run", TestGuests.silent(tmp).toString(), "--timeout", "1s");
        OutputStream in = p.getOutputStream();
        in.write("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        JsonNode answer = JsonRpc.JSON.readTree(out.readLine());
        assertEquals(7, answer.path("id").asInt());
        assertEquals(GuestLink.TIMEOUT_CODE, answer.path("error").path("code").asInt());
        assertTrue(answer.path("error").path("message").asText().contains("--timeout"), answer.toString());
        in.close();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), stderr(p));
        assertEquals(null, out.readLine());
    }

    @Test
    void badFlagsAreUsageErrorsNamingTheFlag() throws Exception {
        Process p = start("run", TestGuests.ZIG.toString(), "--memory", "lots");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(Main.USAGE, p.exitValue());
        assertTrue(stderr(p).contains("--memory lots: expected a size"));
        assertTrue(Files.exists(TestGuests.ZIG));
    }
}
