/**
 * The sandbox: server manifests, the host's policy, the decision between them ({@link io.mcpwasm.wasi.Grants}) and
 * a capability-secure WASI preview1 host. Exports one API package, {@code io.mcpwasm.wasi}; the WASI and HTTP
 * implementations are internal and reach only the runtime.
 */
@SuppressWarnings("module") // the qualified exports name io.mcpwasm.runtime, which is built after this module
module io.mcpwasm.wasi {
    // WasiHost hands Endive import values and host functions to its caller.
    requires transitive run.endive.runtime;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    // The CPU-time clocks (ThreadMXBean).
    requires java.management;

    exports io.mcpwasm.wasi;

    exports io.mcpwasm.wasi.http to io.mcpwasm.runtime;
    exports io.mcpwasm.wasi.internal to io.mcpwasm.runtime;
    exports io.mcpwasm.wasi.internal.manifest to io.mcpwasm.runtime;
}
