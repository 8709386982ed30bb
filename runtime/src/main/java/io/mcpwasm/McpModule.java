package io.mcpwasm;

import run.endive.runtime.Instance;
import run.endive.runtime.Machine;
import run.endive.wasm.WasmModule;
import io.mcpwasm.internal.DataImage;
import io.mcpwasm.internal.GuestProcess;
import io.mcpwasm.internal.LineSplitter;
import io.mcpwasm.wasi.Grants;
import io.mcpwasm.wasi.HostPolicy;
import io.mcpwasm.wasi.Manifest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A parsed and compiled MCP server module: expensive to make, cheap to start many times, thread-safe.
 * Obtain one from {@link McpRuntime#load}. Each {@link #start} runs a new, isolated instance with the
 * capabilities that are both declared in the module's manifest and allowed by the host policy.
 */
public final class McpModule {
    private final McpRuntime runtime;
    private final String source;
    private final String name;
    private final Manifest manifest;
    private final WasmModule module;
    private final Function<Instance, Machine> machineFactory;
    private final DataImage dataImage;

    McpModule(McpRuntime runtime, String source, String name, Manifest manifest, WasmModule module,
              Function<Instance, Machine> machineFactory) {
        this.runtime = runtime;
        this.source = source;
        this.name = name;
        this.manifest = manifest;
        this.module = module;
        this.machineFactory = machineFactory;
        this.dataImage = DataImage.of(module);
    }

    /** The server's name: from its manifest, else from the file or name it was loaded under. */
    public String name() {
        return name;
    }

    /** Where it was loaded from. */
    public String source() {
        return source;
    }

    /** What the module declares it needs; empty when it carries no manifest (it is then granted nothing). */
    public Optional<Manifest> manifest() {
        return Optional.ofNullable(manifest);
    }

    /** Starts an instance with default {@link ServerOptions}. Blocks until the MCP handshake is done. */
    public McpServer start(HostPolicy policy) {
        return start(policy, ServerOptions.defaults());
    }

    /**
     * Starts an instance: resolves grants (manifest ∩ policy), instantiates the module on its own thread and
     * performs the MCP handshake.
     *
     * @throws io.mcpwasm.wasi.CapabilityDeniedException when the policy refuses a capability the manifest requires
     * @throws ServerFailedException when the guest fails to start or to complete the handshake
     */
    public McpServer start(HostPolicy policy, ServerOptions options) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(options, "options");
        runtime.ensureOpen();
        return McpServer.start(this, policy, options);
    }

    /**
     * Starts {@code size} instances of a stateless server behind one {@link McpServerPool}, which sends each call to
     * the instance with the fewest calls in flight.
     *
     * @throws IllegalStateException when the manifest does not declare {@code "stateless": true}
     */
    public McpServerPool startPool(HostPolicy policy, ServerOptions options, int size) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(options, "options");
        runtime.ensureOpen();
        return McpServerPool.start(this, policy, options, size);
    }

    /**
     * Starts an instance and connects to it raw: no MCP handshake is made; the caller speaks JSON-RPC itself.
     * For adapters to other MCP client libraries.
     *
     * @param onMessage told of every line the guest writes, in order, on an event thread
     * @param onClosed  told once when the guest stops: with null after a clean exit, else with the failure
     */
    public GuestConnection connect(HostPolicy policy, Consumer<String> onMessage,
                                   Consumer<ServerFailedException> onClosed) {
        return connect(policy, ServerOptions.defaults(), onMessage, onClosed);
    }

    /**
     * Like {@link #connect(HostPolicy, Consumer, Consumer)}, with options: of these a raw connection uses the
     * guest's {@linkplain ServerOptions#args() arguments}, the input bound and the close grace. Input the guest
     * leaves unread for longer than its call timeout closes the connection as unresponsive.
     */
    public GuestConnection connect(HostPolicy policy, ServerOptions options, Consumer<String> onMessage,
                                   Consumer<ServerFailedException> onClosed) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(onMessage, "onMessage");
        Objects.requireNonNull(onClosed, "onClosed");
        runtime.ensureOpen();
        return GuestConnection.open(this, grants(policy), options, onMessage, onClosed);
    }

    /**
     * What this module's server gets under {@code policy}, audited to the runtime's listener; a module without a
     * manifest declares nothing.
     *
     * @throws io.mcpwasm.wasi.CapabilityDeniedException if a required capability is refused
     */
    Grants grants(HostPolicy policy) {
        Manifest m = manifest != null ? manifest : io.mcpwasm.internal.ModuleChecks.emptyManifest(name);
        return Grants.resolve(m, policy, runtime.auditListener());
    }

    /** A guest of this module, not yet started, on the runtime's guest threads, under {@code grants}. */
    GuestProcess newProcess(Grants grants, ServerOptions options, LineSplitter.LineSink stdout,
                            Consumer<GuestProcess.Exit> onExit) {
        return new GuestProcess(name, module, machineFactory, dataImage, runtime.guestThreads(), grants,
                guestArgs(options), options.maxQueuedInputBytes(), stdout, onExit);
    }

    McpRuntime runtime() {
        return runtime;
    }

    /** The guest's arguments after argv[0] for these options: theirs when given, else the manifest's. */
    List<String> guestArgs(ServerOptions options) {
        return options.argsOr(manifest != null ? manifest.args() : List.of());
    }

    @Override
    public String toString() {
        return "McpModule[" + name + " from " + source + "]";
    }
}
