package io.mcpwasm.integrations.spring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpwasm.CallOptions;
import io.mcpwasm.Content;
import io.mcpwasm.EmbeddedResource;
import io.mcpwasm.TextContent;
import io.mcpwasm.Tool;
import io.mcpwasm.ToolResult;
import io.mcpwasm.wasi.McpWasmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The tools of every configured wasm server as Spring AI {@link ToolCallback}s, named {@code tool-prefix + name}.
 * The list is read from the servers each time it is asked for (a server that is failed or restarting offers the
 * last list it gave). A tool that reports an error, a timeout, a failed server and malformed arguments raise a
 * {@link ToolExecutionException} whose message says what went wrong, as Spring AI's own MCP tool callbacks do;
 * Spring AI's default exception processor hands that message to the model as the tool's answer. Progress the
 * servers report is published as {@link McpWasmToolProgressEvent}s.
 */
final class McpWasmToolCallbacks implements ToolCallbackProvider {
    private static final Logger LOG = LoggerFactory.getLogger(McpWasmToolCallbacks.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final McpWasmServers servers;
    private final ApplicationEventPublisher events;
    private final Map<String, List<Tool>> lastTools = new ConcurrentHashMap<>();

    McpWasmToolCallbacks(McpWasmServers servers, ApplicationEventPublisher events) {
        this.servers = servers;
        this.events = events;
    }

    /** @throws McpWasmConfigurationException when two tools would reach the model under one name */
    @Override
    public ToolCallback[] getToolCallbacks() {
        Map<String, String> owners = new LinkedHashMap<>();
        List<ToolCallback> callbacks = new ArrayList<>();
        for (McpWasmServers.Running r : servers.running().values()) {
            for (Tool tool : tools(r)) {
                String exposed = r.toolPrefix() + tool.name();
                String other = owners.putIfAbsent(exposed, r.name());
                if (other != null) {
                    String property = "mcpwasm.servers." + r.name() + ".tool-prefix";
                    throw new McpWasmConfigurationException(property, "tool '" + exposed + "' is offered by mcpwasm"
                            + " servers '" + other + "' and '" + r.name() + "': set " + property, null);
                }
                callbacks.add(new Callback(r, tool, exposed));
            }
        }
        return callbacks.toArray(new ToolCallback[0]);
    }

    private List<Tool> tools(McpWasmServers.Running r) {
        try {
            List<Tool> tools = r.tools();
            lastTools.put(r.name(), tools);
            return tools;
        } catch (McpWasmException e) {
            List<Tool> last = lastTools.getOrDefault(r.name(), List.of());
            LOG.warn("mcpwasm server '{}' cannot list its tools now ({}); offering the {} it listed last", r.name(),
                    e.getMessage(), last.size());
            return last;
        }
    }

    /** One tool of one server. */
    private final class Callback implements ToolCallback {
        private final McpWasmServers.Running server;
        private final String tool;
        private final ToolDefinition definition;

        Callback(McpWasmServers.Running server, Tool tool, String exposed) {
            this.server = server;
            this.tool = tool.name();
            this.definition = ToolDefinition.builder()
                    .name(exposed)
                    .description(tool.description() != null ? tool.description()
                            : tool.title() != null ? tool.title() : tool.name())
                    .inputSchema(tool.inputSchema().toString())
                    .build();
        }

        @Override
        public ToolDefinition getToolDefinition() {
            return definition;
        }

        @Override
        public String call(String toolInput) {
            Map<String, Object> arguments = arguments(toolInput);
            CallOptions options = CallOptions.builder().progressListener((progress, total, message) ->
                    events.publishEvent(new McpWasmToolProgressEvent(server.name(), definition.name(), progress,
                            total, message))).build();
            ToolResult result;
            try {
                result = server.call(tool, arguments, options);
            } catch (McpWasmException e) {
                LOG.warn("tool '{}' of mcpwasm server '{}' failed: {}", tool, server.name(), e.getMessage());
                throw failure(e.getMessage(), e);
            }
            String text = text(result);
            if (result.isError()) {
                LOG.debug("tool '{}' of mcpwasm server '{}' reported an error: {}", tool, server.name(), text);
                throw failure(text.isEmpty() ? "tool '" + definition.name() + "' failed without saying why" : text,
                        null);
            }
            return text;
        }

        private Map<String, Object> arguments(String input) {
            if (input == null || input.isBlank()) {
                return Map.of();
            }
            JsonNode node;
            try {
                node = JSON.readTree(input);
            } catch (JsonProcessingException e) {
                throw failure("the arguments of tool '" + definition.name() + "' are not JSON: "
                        + e.getOriginalMessage(), e);
            }
            if (node == null || node.isNull()) {
                return Map.of();
            }
            if (!node.isObject()) {
                throw failure("the arguments of tool '" + definition.name() + "' must be a JSON object", null);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = JSON.convertValue(node, Map.class);
            return map;
        }

        private ToolExecutionException failure(String message, Throwable cause) {
            return new ToolExecutionException(definition, new ToolFailure(message, cause));
        }
    }

    /** What the model reads: the text blocks and text resources, or the structured content when there is none. */
    private static String text(ToolResult r) {
        String text = r.content().stream().map(McpWasmToolCallbacks::blockText).filter(t -> t != null)
                .collect(Collectors.joining("\n"));
        return text.isEmpty() && r.structuredContent() != null ? r.structuredContent().toString() : text;
    }

    private static String blockText(Content c) {
        if (c instanceof TextContent t) {
            return t.text();
        }
        if (c instanceof EmbeddedResource e && e.resource().text() != null) {
            return e.resource().text();
        }
        return null;
    }

    /** The reason a tool call failed; its message is what the model is told. */
    static final class ToolFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ToolFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
