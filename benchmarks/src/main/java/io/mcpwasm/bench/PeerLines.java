package io.mcpwasm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpwasm.CallOptions;
import io.mcpwasm.internal.protocol.McpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Writes the JSON-RPC lines the suite's Java client sends, byte for byte, for the peer drivers
 * (benchmarks/peers/*): the session class mcpwasm uses ({@link McpSession}) talks to a recorder that keeps each
 * line and answers it as a server would, and the lines are written per phase:
 * {@code <sample>-start.jsonl} (discovery probe, initialize, initialized), {@code <sample>-setup.jsonl} (the Rust
 * sample's two notes), {@code <sample>-call.jsonl} (the trivial call of {@link CallBench}) and
 * {@code compute.jsonl} (the sha256 of 1 MiB of {@link ComputeBench}).
 *
 * <p>Usage: {@code PeerLines <directory>}
 */
public final class PeerLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PeerLines() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (String sample : List.of(Samples.GO, Samples.RUST, Samples.ZIG)) {
            try (Recorder r = new Recorder(sample)) {
                r.session.initialize(Duration.ofSeconds(10));
                r.write(dir.resolve(sample + "-start.jsonl"));
                if (Samples.RUST.equals(sample)) {
                    for (Map<String, Object> note : Samples.seedNotes()) {
                        r.session.call("add_note", note, CallOptions.defaults());
                    }
                }
                r.write(dir.resolve(sample + "-setup.jsonl"));
                r.session.call(Samples.trivialTool(sample), Samples.trivialArguments(sample), CallOptions.defaults());
                r.write(dir.resolve(sample + "-call.jsonl"));
                if (Samples.ZIG.equals(sample)) {
                    r.session.call("sha256", Map.of("text", Samples.text(1 << 20)), CallOptions.defaults());
                    r.write(dir.resolve("compute.jsonl"));
                }
            }
        }
    }

    /** A session whose "server" records every line and answers requests like the samples do. */
    private static final class Recorder implements AutoCloseable {
        private final List<byte[]> lines = new ArrayList<>();
        private final ExecutorService answers = Executors.newSingleThreadExecutor();
        private final ExecutorService events = Executors.newSingleThreadExecutor();
        private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        final McpSession session;

        Recorder(String sample) {
            session = McpSession.builder(sample).sender(this::receive).eventExecutor(events).scheduler(timers)
                    .build();
        }

        private synchronized void receive(byte[] line) {
            lines.add(line.clone());
            answers.execute(() -> answer(line));
        }

        private void answer(byte[] line) {
            try {
                JsonNode request = JSON.readTree(line);
                if (!request.has("id")) {
                    return;
                }
                ObjectNode reply = JSON.createObjectNode().put("jsonrpc", "2.0");
                reply.set("id", request.get("id"));
                switch (request.path("method").asText()) {
                    case "initialize" -> reply.set("result", JSON.readTree("{\"protocolVersion\":\"2025-11-25\","
                            + "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"recorder\",\"version\":\"1\"}}"));
                    case "tools/call" -> reply.set("result",
                            JSON.readTree("{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}"));
                    default -> reply.set("error", JSON.readTree("{\"code\":-32601,\"message\":\"Method not found\"}"));
                }
                byte[] out = JSON.writeValueAsBytes(reply);
                session.onMessage(out, 0, out.length);
            } catch (IOException e) {
                session.fail(e);
            }
        }

        /** Writes the lines recorded since the last write. */
        synchronized void write(Path file) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (byte[] l : lines) {
                String s = new String(l, StandardCharsets.UTF_8);
                sb.append(s.endsWith("\n") ? s : s + "\n");
            }
            lines.clear();
            Files.writeString(file, sb);
        }

        @Override
        public void close() {
            session.close();
            answers.shutdown();
            events.shutdown();
            timers.shutdown();
        }
    }
}
