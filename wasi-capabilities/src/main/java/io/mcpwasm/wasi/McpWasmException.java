package io.mcpwasm.wasi;

/**
 * The root of every exception mcpwasm throws to its callers. Unchecked and abstract: what is thrown is always one of
 * the final subtypes below, one per situation, so a caller can catch the root and switch on the type, or catch the
 * one it can act on.
 *
 * <table>
 * <caption>Every subtype, when it is thrown, and what the caller should do</caption>
 * <tr><th>Exception</th><th>When</th><th>What to do</th></tr>
 * <tr><td>{@link ManifestException}</td><td>a manifest (JSON or the module's embedded section) is invalid</td>
 *     <td>fix the manifest; {@code field()} names the bad field</td></tr>
 * <tr><td>{@link CapabilityDeniedException}</td><td>a capability the manifest requires is not granted by the host
 *     policy, so the server cannot start</td><td>grant it in the {@link HostPolicy}, or do not run the server;
 *     {@code denials()} lists each refusal</td></tr>
 * <tr><td>{@link SandboxSetupException}</td><td>a granted capability cannot be set up on this host (a mounted
 *     directory is missing or cannot be opened, a secret directory collides with a mount); when a server starts,
 *     the cause of a {@code ServerFailedException} of kind {@code START_FAILED}</td><td>fix the host
 *     (create the directory) or the policy; retrying unchanged fails again</td></tr>
 * <tr><td>{@code io.mcpwasm.ModuleLoadException}</td><td>a module is missing, unreadable, malformed, not a WASI
 *     command, or does not compile</td><td>fix or rebuild the module</td></tr>
 * <tr><td>{@code io.mcpwasm.ServerFailedException}</td><td>the server's guest trapped, exited, ran out of stack or
 *     memory, broke the protocol, or the server was closed; {@code kind()} says which</td><td>the server restarts
 *     (per its options) or stays failed; retry the call on a new generation or report it</td></tr>
 * <tr><td>{@code io.mcpwasm.CallTimeoutException}</td><td>a request got no answer before its deadline</td>
 *     <td>retry with a longer deadline, or treat the tool as unavailable</td></tr>
 * <tr><td>{@code io.mcpwasm.CallCancelledException}</td><td>the caller cancelled the call's future or interrupted
 *     the thread waiting for it (the interrupt flag stays set), during a call or while the server starts</td>
 *     <td>nothing: the caller asked for it; stop what the thread was doing</td></tr>
 * <tr><td>{@code io.mcpwasm.InputQueueFullException}</td><td>the guest is not reading its input and its queue is
 *     at {@code ServerOptions.maxQueuedInputBytes()}; nothing was sent</td><td>back off and retry later</td></tr>
 * <tr><td>{@code io.mcpwasm.McpErrorException}</td><td>the server answered the request with a JSON-RPC error
 *     ({@code code()})</td><td>the request was refused: fix its arguments or method</td></tr>
 * <tr><td>{@code io.mcpwasm.ProtocolException}</td><td>the server's answer breaks MCP (a result of the wrong shape,
 *     a protocol version mcpwasm does not speak, a looping cursor)</td><td>report it to the server's author</td></tr>
 * <tr><td>{@code io.mcpwasm.HostHandlerException}</td><td>a handler of the host (sampling, elicitation, roots)
 *     threw a checked exception while answering a request of the server made within a call</td><td>see the
 *     cause: it is the handler's own failure</td></tr>
 * </table>
 *
 * <p>Every subtype that concerns one server names it with {@code serverName()}. Programming errors (a null
 * argument, a bad option value) are {@link IllegalArgumentException}, {@link NullPointerException} or
 * {@link IllegalStateException}, as in the JDK, not subtypes of this class. The same table is in
 * {@code docs/errors.md}.
 *
 * <p>The root lives in the sandbox module ({@code io.mcpwasm.wasi}), the one every other mcpwasm module depends
 * on; the runtime's subtypes live in {@code io.mcpwasm}.
 */
public abstract class McpWasmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, naming the server where there is one */
    protected McpWasmException(String message) {
        super(message);
    }

    /**
     * @param message what happened, naming the server where there is one
     * @param cause the underlying failure, or {@code null}
     */
    protected McpWasmException(String message, Throwable cause) {
        super(message, cause);
    }
}
