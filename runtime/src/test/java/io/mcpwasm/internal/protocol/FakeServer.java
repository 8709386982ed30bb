package io.mcpwasm.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A scripted MCP server for unit tests. The session's sender hands it each line; a "server" thread runs the
 * scripted handler for the line's method (or queues it for the test to inspect); everything the server writes is
 * fed to {@link McpSession#onMessage} on a single "guest" thread, as the runtime does.
 */
final class FakeServer implements MessageSender, AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String GUEST_THREAD = "fake-guest";

    /** Reacts to one message from the client. */
    interface Handler {
        void handle(JsonNode message) throws Exception;
    }

    private final ExecutorService guest = Executors.newSingleThreadExecutor(r -> new Thread(r, GUEST_THREAD));
    private final ExecutorService script = Executors.newSingleThreadExecutor(r -> new Thread(r, "fake-server"));
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    /** Client messages with no handler (requests and notifications), in arrival order. */
    final BlockingQueue<JsonNode> unhandled = new LinkedBlockingQueue<>();
    /** Client responses to server-initiated requests. */
    final BlockingQueue<JsonNode> responses = new LinkedBlockingQueue<>();
    /** Every line the client sent, parsed. */
    final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());
    final List<String> badLines = Collections.synchronizedList(new ArrayList<>());
    volatile McpSession session;

    @Override
    public void send(byte[] line) {
        String text = new String(line, StandardCharsets.UTF_8);
        if (!text.endsWith("\n") || text.indexOf('\n') != text.length() - 1) {
            badLines.add(text);
        }
        JsonNode msg;
        try {
            msg = JSON.readTree(text);
        } catch (IOException e) {
            badLines.add(text);
            return;
        }
        received.add(msg);
        script.execute(() -> dispatch(msg));
    }

    private void dispatch(JsonNode msg) {
        String method = msg.path("method").asText(null);
        if (method == null) {
            responses.add(msg);
            return;
        }
        Handler h = handlers.get(method);
        if (h == null) {
            unhandled.add(msg);
            return;
        }
        try {
            h.handle(msg);
        } catch (Exception e) {
            throw new IllegalStateException("script handler for " + method + " failed", e);
        }
    }

    FakeServer on(String method, Handler handler) {
        handlers.put(method, handler);
        return this;
    }

    FakeServer onResult(String method, Function<JsonNode, Object> result) {
        return on(method, m -> reply(m, result.apply(m)));
    }

    /** Answers server/discover with Method not found and initialize with the given version. */
    FakeServer legacy(String version) {
        onResult("initialize", m -> initResult(version));
        on("server/discover", m -> replyError(m, -32601, "Method not found", null));
        on("notifications/initialized", m -> { });
        return this;
    }

    static ObjectNode initResult(String version) {
        ObjectNode r = JSON.createObjectNode();
        r.put("protocolVersion", version);
        r.putObject("capabilities").putObject("tools").put("listChanged", true);
        ObjectNode info = r.putObject("serverInfo");
        info.put("name", "fake");
        info.put("version", "1.2.3");
        info.put("title", "Fake Server");
        r.put("instructions", "use it well");
        return r;
    }

    void reply(JsonNode request, Object result) {
        ObjectNode msg = JSON.createObjectNode();
        msg.put("jsonrpc", "2.0");
        msg.set("id", request.get("id"));
        msg.set("result", JSON.valueToTree(result));
        write(msg.toString());
    }

    void replyError(JsonNode request, int code, String message, Object data) {
        ObjectNode msg = JSON.createObjectNode();
        msg.put("jsonrpc", "2.0");
        msg.set("id", request.get("id"));
        ObjectNode err = msg.putObject("error");
        err.put("code", code);
        err.put("message", message);
        if (data != null) {
            err.set("data", JSON.valueToTree(data));
        }
        write(msg.toString());
    }

    void notifyClient(String method, Object params) {
        ObjectNode msg = JSON.createObjectNode();
        msg.put("jsonrpc", "2.0");
        msg.put("method", method);
        if (params != null) {
            msg.set("params", JSON.valueToTree(params));
        }
        write(msg.toString());
    }

    void requestClient(Object id, String method, Object params) {
        ObjectNode msg = JSON.createObjectNode();
        msg.put("jsonrpc", "2.0");
        msg.set("id", JSON.valueToTree(id));
        msg.put("method", method);
        if (params != null) {
            msg.set("params", JSON.valueToTree(params));
        }
        write(msg.toString());
    }

    /** Writes a raw line as the guest would (newline not included). */
    void write(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        // hand over only the line, as the runtime's splitter does, inside a larger buffer
        byte[] buf = new byte[bytes.length + 8];
        System.arraycopy(bytes, 0, buf, 4, bytes.length - 1);
        guest.execute(() -> session.onMessage(buf, 4, bytes.length - 1));
    }

    /** Waits until the guest thread has handled everything written so far. */
    void drainGuest() throws Exception {
        guest.submit(() -> { }).get(5, TimeUnit.SECONDS);
    }

    JsonNode next() throws InterruptedException {
        JsonNode m = unhandled.poll(5, TimeUnit.SECONDS);
        assertNotNull(m, "the client sent no further message");
        return m;
    }

    JsonNode expect(String method) throws InterruptedException {
        JsonNode m = next();
        assertEquals(method, m.path("method").asText(), "unexpected message " + m);
        return m;
    }

    JsonNode nextResponse() throws InterruptedException {
        JsonNode m = responses.poll(5, TimeUnit.SECONDS);
        assertNotNull(m, "the client sent no response");
        return m;
    }

    long count(String method) {
        synchronized (received) {
            return received.stream().filter(m -> method.equals(m.path("method").asText())).count();
        }
    }

    void assertCleanLines() {
        assertTrue(badLines.isEmpty(), "client sent lines that are not one JSON object + newline: " + badLines);
    }

    @Override
    public void close() {
        guest.shutdownNow();
        script.shutdownNow();
    }
}
