/**
 * An {@code McpClientTransport} for the official MCP Java SDK that runs the server in process with mcpwasm.
 * Exports one API package, {@code io.mcpwasm.integrations.mcpsdk}.
 *
 * <p>On the module path, the SDK's JSON module ({@code io.modelcontextprotocol.sdk.mcp.json.jackson2}) is automatic and
 * cannot declare that its schema validator needs {@code com.networknt.schema}, a named module nothing requires:
 * applications add it with {@code --add-modules com.networknt.schema}, or the SDK's client fails to build.
 */
// The MCP Java SDK (2.1.0), Reactor and Reactive Streams ship no module descriptor, only an Automatic-Module-Name in
// their manifests: the names are declared by their projects and stable, so requiring them is safe and the two lint
// warnings about automatic modules (on every such requires, and on the transitive ones) say nothing new here.
// Transitive: WasmMcpTransport implements the SDK's McpClientTransport and returns Reactor's Mono.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.mcpwasm.integrations.mcpsdk {
    // start(McpModule, HostPolicy): the runtime's and the sandbox's API types.
    requires transitive io.mcpwasm.runtime;
    requires transitive io.modelcontextprotocol.sdk.mcp.core;
    requires transitive reactor.core;
    // Mono's Publisher side (reactor.core, automatic, declares no requires of its own).
    requires org.reactivestreams;
    // The default McpJsonMapper, a JacksonMcpJsonMapper over a new ObjectMapper.
    requires io.modelcontextprotocol.sdk.mcp.json.jackson2;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports io.mcpwasm.integrations.mcpsdk;
}
