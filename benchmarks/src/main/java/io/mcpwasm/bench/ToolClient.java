package io.mcpwasm.bench;

import io.mcpwasm.McpServer;
import io.mcpwasm.ToolResult;
import java.util.Map;

/** One MCP server as the benchmarks call it: in this JVM ({@link #of(McpServer)}) or a {@link StdioServer}. */
public interface ToolClient extends AutoCloseable {
    /** Calls a tool and waits for its result; fails when the result is a tool error. */
    ToolResult call(String tool, Map<String, ?> arguments);

    @Override
    void close();

    /** Calls the tool and returns its text, failing on a tool error (a benchmark must not time errors). */
    static String checked(ToolClient client, String tool, Map<String, ?> arguments) {
        ToolResult r = client.call(tool, arguments);
        if (r.isError()) {
            throw new IllegalStateException(tool + " failed: " + r.text());
        }
        return r.text();
    }

    /** An in-process server; closing the client closes it. */
    static ToolClient of(McpServer server) {
        return new ToolClient() {
            @Override
            public ToolResult call(String tool, Map<String, ?> arguments) {
                return server.call(tool, arguments);
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }
}
