package io.mcpwasm.integrations.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderRequest;
import dev.langchain4j.service.tool.ToolProviderResult;
import io.mcpwasm.AudioContent;
import io.mcpwasm.CallOptions;
import io.mcpwasm.Content;
import io.mcpwasm.EmbeddedResource;
import io.mcpwasm.ImageContent;
import io.mcpwasm.McpServer;
import io.mcpwasm.McpServerPool;
import io.mcpwasm.ResourceLink;
import io.mcpwasm.TextContent;
import io.mcpwasm.Tool;
import io.mcpwasm.ToolResult;
import io.mcpwasm.wasi.McpWasmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LangChain4j {@link ToolProvider} over mcpwasm servers, with no MCP client in between: the tools come from
 * {@link McpServer#tools()} and run through {@link McpServer#call}. Give it to an AI service:
 *
 * <pre>{@code
 * McpServer tools = runtime.load(Path.of("zig-tools.wasm")).start(HostPolicy.denyAll());
 * Assistant assistant = AiServices.builder(Assistant.class)
 *     .chatModel(model)
 *     .toolProvider(WasmToolProvider.builder().server(tools).build())
 *     .build();
 * }</pre>
 *
 * <p><b>Specifications.</b> Each tool's name, description and input schema become a {@link ToolSpecification}
 * (the schema as a {@code JsonObjectSchema}). Several servers can be served together: give each a name prefix
 * ({@link Builder#server(String, McpServer)}) or keep only some tools ({@link Builder#filter}); two tools that would
 * reach the model under one name are refused when the tools are listed, naming both servers.
 *
 * <p><b>Results.</b> The text blocks of a result are joined with newlines; a result with only structured content is
 * given as that JSON. A tool that reports an error ({@code isError}), a call that times out, a server that failed
 * or refused the call, and arguments that are not a JSON object all come back to the model as a tool result marked
 * as an error ({@link ToolExecutionResult#isError()}) whose text says what went wrong: the agent goes on and the
 * model can react. Nothing is thrown at the AI service.
 *
 * <p><b>Restarts.</b> Start servers with {@code ServerOptions.builder().autoRestart(...)} to have a failed guest
 * restarted; while it restarts its tools are still offered (the last list seen), and a call waits for the new
 * instance (up to the server's start timeout). Without automatic restart a failed server's tools are still
 * offered, and calling one answers the model with the server's failure.
 *
 * <p>The servers' lifecycle stays the caller's: this provider never closes them. Thread-safe.
 */
public final class WasmToolProvider implements ToolProvider {
    private static final Logger LOG = LoggerFactory.getLogger(WasmToolProvider.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Source> sources;
    private final BiPredicate<String, Tool> filter;
    private final Duration timeout;
    private final ToolProgressListener progressListener;

    private WasmToolProvider(Builder b) {
        this.sources = List.copyOf(b.sources);
        this.filter = b.filter;
        this.timeout = b.timeout;
        this.progressListener = b.progressListener;
    }

    /** @return a builder; add at least one server */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Lists the tools of every server (the last list seen for a server that is failed or restarting).
     *
     * @throws IllegalStateException when two tools would reach the model under one name
     */
    @Override
    public ToolProviderResult provideTools(ToolProviderRequest request) {
        Map<String, String> owners = new LinkedHashMap<>();
        ToolProviderResult.Builder result = ToolProviderResult.builder();
        for (Source source : sources) {
            for (Tool tool : source.tools()) {
                if (!filter.test(source.serverName(), tool)) {
                    continue;
                }
                String exposed = source.prefix + tool.name();
                String previous = owners.putIfAbsent(exposed, source.serverName());
                if (previous != null) {
                    throw new IllegalStateException("tool name '" + exposed + "' is offered by server '" + previous
                            + "' and by server '" + source.serverName() + "': give one of them a name prefix"
                            + " (WasmToolProvider.Builder.server(prefix, server)) or filter one tool out");
                }
                ToolSpecification spec = ToolSpecification.builder()
                        .name(exposed)
                        .description(tool.description() != null ? tool.description() : tool.title())
                        .parameters(JsonSchemas.parameters(tool.inputSchema()))
                        .build();
                result.add(spec, new Executor(source, tool.name(), exposed));
            }
        }
        return result.build();
    }

    /** Runs one tool of one server for LangChain4j. */
    private final class Executor implements ToolExecutor {
        private final Source source;
        private final String tool;
        private final String exposed;

        Executor(Source source, String tool, String exposed) {
            this.source = source;
            this.tool = tool;
            this.exposed = exposed;
        }

        @Override
        public String execute(ToolExecutionRequest request, Object memoryId) {
            return executeWithContext(request, null).resultText();
        }

        @Override
        public ToolExecutionResult executeWithContext(ToolExecutionRequest request, InvocationContext context) {
            Map<String, Object> arguments;
            try {
                arguments = arguments(request.arguments());
            } catch (IllegalArgumentException e) {
                return error(e.getMessage());
            }
            CallOptions.Builder options = CallOptions.builder();
            if (timeout != null) {
                options.timeout(timeout);
            }
            if (progressListener != null) {
                options.progressListener((progress, total, message) ->
                        progressListener.onProgress(exposed, progress, total, message));
            }
            ToolResult r;
            try {
                r = source.call(tool, arguments, options.build());
            } catch (McpWasmException e) {
                LOG.warn("tool '{}' of server '{}' failed: {}", tool, source.serverName(), e.getMessage());
                return error(e.getMessage());
            }
            String text = resultText(r);
            if (r.isError()) {
                LOG.debug("tool '{}' of server '{}' reported an error: {}", tool, source.serverName(), text);
                return error(text.isEmpty() ? "tool '" + exposed + "' failed without saying why" : text);
            }
            ToolExecutionResult.Builder ok = ToolExecutionResult.builder().resultText(text);
            if (r.structuredContent() != null) {
                ok.result(JSON.convertValue(r.structuredContent(), Object.class));
            }
            return ok.build();
        }

        private Map<String, Object> arguments(String json) {
            if (json == null || json.isBlank()) {
                return Map.of();
            }
            JsonNode node;
            try {
                node = JSON.readTree(json);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("the arguments of tool '" + exposed + "' are not JSON: "
                        + e.getOriginalMessage());
            }
            if (node == null || node.isNull()) {
                return Map.of();
            }
            if (!node.isObject()) {
                throw new IllegalArgumentException("the arguments of tool '" + exposed
                        + "' must be a JSON object, got: " + node.getNodeType().name().toLowerCase());
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = JSON.convertValue(node, Map.class);
            return map;
        }
    }

    private static ToolExecutionResult error(String message) {
        return ToolExecutionResult.builder().isError(true).resultText(message).build();
    }

    /**
     * What the model reads of a result: every block in order, text as is, a resource's text, and a short note for
     * what has no text (image, audio, binary resource, link); only structured content when there is no block.
     */
    static String resultText(ToolResult r) {
        if (r.content().isEmpty() && r.structuredContent() != null) {
            return r.structuredContent().toString();
        }
        return r.content().stream().map(WasmToolProvider::blockText).collect(Collectors.joining("\n"));
    }

    private static String blockText(Content c) {
        if (c instanceof TextContent t) {
            return t.text();
        }
        if (c instanceof ImageContent i) {
            return "[image " + i.mimeType() + "]";
        }
        if (c instanceof AudioContent a) {
            return "[audio " + a.mimeType() + "]";
        }
        if (c instanceof EmbeddedResource e) {
            return e.resource().text() != null ? e.resource().text()
                    : "[resource " + e.resource().uri() + (e.resource().mimeType() != null
                    ? " " + e.resource().mimeType() : "") + "]";
        }
        ResourceLink l = (ResourceLink) c;
        return "[resource link " + l.uri() + "]";
    }

    /** One server or pool: its name, its tools and its calls (McpServer and McpServerPool share no interface). */
    private static final class Source {
        /** A tool call, as {@code McpServer.call} and {@code McpServerPool.call} make it. */
        interface Caller {
            ToolResult call(String tool, Map<String, ?> arguments, CallOptions options);
        }

        final String prefix;
        private final String serverName;
        private final java.util.function.Supplier<List<Tool>> lister;
        private final Caller caller;
        private volatile List<Tool> lastTools = List.of();

        Source(String prefix, String serverName, java.util.function.Supplier<List<Tool>> lister, Caller caller) {
            this.prefix = prefix;
            this.serverName = serverName;
            this.lister = lister;
            this.caller = caller;
        }

        String serverName() {
            return serverName;
        }

        ToolResult call(String tool, Map<String, ?> arguments, CallOptions options) {
            return caller.call(tool, arguments, options);
        }

        final List<Tool> tools() {
            try {
                List<Tool> tools = lister.get();
                lastTools = tools;
                return tools;
            } catch (McpWasmException e) {
                LOG.warn("server '{}' cannot list its tools now ({}); offering the {} it listed last", serverName(),
                        e.getMessage(), lastTools.size());
                return lastTools;
            }
        }
    }

    /** Builds a {@link WasmToolProvider}. */
    public static final class Builder {
        private final List<Source> sources = new ArrayList<>();
        private BiPredicate<String, Tool> filter = (server, tool) -> true;
        private Duration timeout;
        private ToolProgressListener progressListener;

        private Builder() {}

        /** Serves every tool of the server under its own name. */
        public Builder server(McpServer server) {
            return server("", server);
        }

        /**
         * Serves every tool of the server as {@code prefix + name}, e.g. prefix {@code "ws_"} makes
         * {@code read_file} {@code ws_read_file}; calls go to the server under the tool's own name.
         */
        public Builder server(String prefix, McpServer server) {
            Objects.requireNonNull(server, "server");
            sources.add(new Source(checkPrefix(prefix), server.name(), server::tools, server::call));
            return this;
        }

        /** Serves the tools of a pool of instances of one stateless server, as {@code prefix + name}. */
        public Builder pool(String prefix, McpServerPool pool) {
            Objects.requireNonNull(pool, "pool");
            sources.add(new Source(checkPrefix(prefix), pool.name(), pool::tools, pool::call));
            return this;
        }

        /** Keeps only the tools this accepts; it is given the server's name and the tool (its own name). */
        public Builder filter(BiPredicate<String, Tool> filter) {
            this.filter = Objects.requireNonNull(filter, "filter");
            return this;
        }

        /** The deadline of each call; without it, each server's own call timeout (from its policy and manifest). */
        public Builder callTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("callTimeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Told of the progress the servers report while their tools run. */
        public Builder progressListener(ToolProgressListener listener) {
            this.progressListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** @throws IllegalStateException when no server was added */
        public WasmToolProvider build() {
            if (sources.isEmpty()) {
                throw new IllegalStateException("add at least one server (WasmToolProvider.Builder.server)");
            }
            return new WasmToolProvider(this);
        }

        private static String checkPrefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (!prefix.matches("[A-Za-z0-9_-]*")) {
                throw new IllegalArgumentException("prefix '" + prefix + "': tool names may only use letters, digits,"
                        + " '_' and '-'");
            }
            return prefix;
        }
    }
}
