/**
 * The MCP host: loads modules compiled to wasm32-wasip1, runs each server in its sandbox and exposes it to Java.
 * Exports one API package, {@code io.mcpwasm}; everything under {@code io.mcpwasm.internal} is implementation.
 */
module io.mcpwasm.runtime {
    requires transitive io.mcpwasm.wasi;
    // Handlers, errors and results carry Jackson trees (JsonNode).
    requires transitive com.fasterxml.jackson.databind;
    requires run.endive.compiler;
    requires org.slf4j;
    // The JVM option check at start (HotSpotDiagnosticMXBean: -XX:-DontCompileHugeMethods).
    requires jdk.management;

    exports io.mcpwasm;
}
