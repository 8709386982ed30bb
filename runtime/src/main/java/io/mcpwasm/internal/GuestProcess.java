package io.mcpwasm.internal;

import run.endive.runtime.ByteBufferMemory;
import run.endive.runtime.WasmInterruptedException;
import run.endive.runtime.Instance;
import run.endive.runtime.Machine;
import run.endive.runtime.TrapException;
import run.endive.wasm.WasmEngineException;
import run.endive.wasm.WasmModule;
import run.endive.wasm.types.MemoryLimits;
import io.mcpwasm.FailureKind;
import io.mcpwasm.InputQueueFullException;
import io.mcpwasm.internal.protocol.FloodGuard;
import io.mcpwasm.wasi.internal.GuestExitException;
import run.endive.runtime.ImportValues;
import io.mcpwasm.wasi.Grants;
import io.mcpwasm.wasi.internal.GuestInput;
import io.mcpwasm.wasi.http.HttpImports;
import java.util.ArrayList;
import java.util.List;
import io.mcpwasm.wasi.Sandbox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running guest: a WASI command module executing {@code _start} on its own thread (see {@link GuestThreads}), the only thread
 * that ever touches its Chicory {@link Instance}. Stdin is an in-memory queue the host writes; stdout is split
 * into lines on the guest thread and handed to a sink; stderr lines are logged under {@code mcpwasm.server.<name>}.
 *
 * <p>When the guest stops, for whatever reason, {@link Exit} says why exactly once.
 */
public final class GuestProcess {
    private static final Logger LOG = LoggerFactory.getLogger(GuestProcess.class);
    private static final int MAX_STDERR_LINE = 16 * 1024;
    /** How many of the guest's stderr lines are logged per second; the rest are counted and dropped. */
    private static final int MAX_STDERR_LINES_PER_SECOND = 100;

    /** How and why the guest stopped. {@code kind} is null for a clean exit (code 0 after stdin closed). */
    public record Exit(FailureKind kind, String message, Throwable cause, int exitCode) {
        public boolean clean() {
            return kind == null;
        }
    }

    /** Raised on the guest thread to unwind it when the host has already decided it failed. */
    static final class HostAbort extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HostAbort() {
            super("guest stopped by the host", null, false, false);
        }
    }

    private final String name;
    private final GuestInput stdin;
    private final Thread thread;
    private final CountDownLatch exited = new CountDownLatch(1);
    private final Logger guestLog;
    private volatile Exit hostDecision;
    private volatile boolean closing;
    private volatile PagedMemory memory;

    /**
     * @param grants        what the server may use: mounts, env, secrets, clocks, network, audit listener
     * @param args          the guest's arguments after argv[0] (which is {@code name})
     * @param maxQueuedInput the most bytes of unread input {@link #send} queues
     * @param lineSink      receives each stdout line on the guest thread
     * @param onExit        told once, on the guest thread, when the guest has stopped
     */
    public GuestProcess(String name, WasmModule module, Function<Instance, Machine> machineFactory,
                        DataImage dataImage, GuestThreads threads,
                        Grants grants, List<String> args, long maxQueuedInput,
                        LineSplitter.LineSink lineSink, Consumer<Exit> onExit) {
        int maxMessageBytes = (int) Math.min(Integer.MAX_VALUE, grants.limits().maxMessageBytes());
        int memoryCapPages = (int) Math.max(1, Math.min(65536, (grants.limits().memoryBytes() + 65535) / 65536));
        this.name = name;
        this.stdin = new GuestInput(maxQueuedInput);
        this.guestLog = LoggerFactory.getLogger("mcpwasm.server." + name);
        LineSplitter stdout = new LineSplitter(maxMessageBytes, lineSink, (b, off, len) -> {
            abort(FailureKind.MESSAGE_TOO_LARGE,
                    "wrote a message over the limit of " + maxMessageBytes + " bytes", null);
            throw new HostAbort();
        });
        FloodGuard stderrGuard = new FloodGuard(name, "stderr lines", MAX_STDERR_LINES_PER_SECOND);
        LineSplitter stderr = new LineSplitter(MAX_STDERR_LINE, (b, off, len) -> {
            if (stderrGuard.admit()) {
                guestLog.info("{}", new String(b, off, len, StandardCharsets.UTF_8));
            }
        }, (b, off, len) -> {
            if (stderrGuard.admit()) {
                guestLog.info("{}...", new String(b, off, len, StandardCharsets.UTF_8));
            }
        });
        this.thread = threads.newThread("mcpwasm-" + name, () -> run(module, machineFactory, dataImage, memoryCapPages,
                grants, args, stdout, stderr, onExit));
    }

    public void start() {
        thread.start();
    }

    /**
     * Queues bytes (kept, not copied) on the guest's stdin; never blocks.
     *
     * @throws InputQueueFullException when the unread input would exceed its bound; nothing is queued
     * @throws IllegalStateException when the input was closed
     */
    public void send(byte[] bytes) {
        if (!stdin.offer(bytes)) {
            throw new InputQueueFullException(name, bytes.length, stdin.available(), stdin.maxQueuedBytes());
        }
    }

    /**
     * @return how long the queued input has waited without the guest reading any of it (0 when none is queued)
     */
    public long unreadInputNanos() {
        return stdin.unreadNanos();
    }

    /** @return the bytes queued on the guest's stdin and not yet read */
    public long queuedInputBytes() {
        return stdin.available();
    }

    /** Closes the guest's stdin and drops what it has not read, so that nothing keeps that input alive. */
    public void releaseInput() {
        long dropped = stdin.discard();
        if (dropped > 0) {
            LOG.debug("server '{}': dropped {} bytes of unread input", name, dropped);
        }
    }

    /** Closes the guest's stdin: it reads EOF after what is queued, which tells an MCP server to exit. */
    public void closeInput() {
        closing = true;
        stdin.close();
    }

    /**
     * Records the host's verdict (the first one wins) and interrupts the guest thread, which unwinds the guest
     * at its next call, loop back-edge or blocking WASI call; safe to call from the guest thread itself.
     */
    public void abort(FailureKind kind, String message, Throwable cause) {
        if (hostDecision == null) {
            hostDecision = new Exit(kind, message, cause, -1);
        }
        thread.interrupt();
    }

    /**
     * Stops the guest the polite way: closes its stdin (an MCP server exits on EOF), waits up to {@code grace}, then
     * interrupts it and waits a little more. Returns when the guest has stopped or was left to end.
     */
    public void stop(Duration grace) {
        closeInput();
        try {
            if (!awaitExit(grace)) {
                LOG.debug("server '{}' did not exit within {} of stdin closing; interrupting it", name, grace);
                abort(FailureKind.CLOSED, "closed", null);
                if (!awaitExit(Duration.ofSeconds(5))) {
                    LOG.warn("server '{}' did not stop after an interrupt; its thread is left to end", name);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(FailureKind.CLOSED, "closed", null);
        }
    }

    /** True while the guest runs code, false while it waits for input or a timer (or has stopped). */
    public boolean busy() {
        return thread.getState() == Thread.State.RUNNABLE;
    }

    public boolean isAlive() {
        return thread.isAlive();
    }

    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return exited.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public boolean onGuestThread() {
        return Thread.currentThread() == thread;
    }

    private void run(WasmModule module, Function<Instance, Machine> machineFactory, DataImage dataImage, int capPages,
                     Grants grants, List<String> args, LineSplitter stdout, LineSplitter stderr,
                     Consumer<Exit> onExit) {
        Exit exit;
        Sandbox sandbox = null;
        try {
            List<String> argv = new ArrayList<>(1 + args.size());
            argv.add(name);
            argv.addAll(args);
            Sandbox.Builder sb = Sandbox.builder(grants).args(argv).stdin(stdin).stdout(stdout).stderr(stderr);
            if (importsFrom(module, HttpImports.MODULE)) {
                sb.withHttp();
            }
            sandbox = sb.build();
            int declared = module.memorySection().map(s -> s.memoryCount() > 0 ? s.getMemory(0).limits().initialPages() : 0)
                    .orElse(0);
            if (declared > capPages) {
                throw new StartRefused("the module declares " + declared
                        + " initial memory pages, over the cap of " + capPages + " pages");
            }
            Instance.builder(module)
                    .withImportValues(sandbox.toImportValues())
                    .withMachineFactory(machineFactory)
                    .withMemoryLimits(new MemoryLimits(declared, capPages))
                    .withMemoryFactory(limits -> limits.shared() ? new ByteBufferMemory(limits)
                            : (memory = new PagedMemory(limits, dataImage)))
                    .build();
            exit = closing ? new Exit(null, "guest returned from _start", null, 0)
                    : new Exit(FailureKind.EXIT, "returned from _start while its stdin was open", null, 0);
        } catch (Throwable t) {
            exit = classify(t);
        } finally {
            stdout.flush();
            stderr.flush();
            if (sandbox != null) {
                sandbox.close();
            }
        }
        Exit decided = hostDecision;
        if (decided != null) {
            exit = decided;
        }
        LOG.debug("server '{}' stopped: {}", name, exit);
        try {
            onExit.accept(exit);
        } finally {
            releaseInput(); // nothing reads it any more (after onExit, which fails the calls still waiting)
            exited.countDown();
        }
    }

    private Exit classify(Throwable t) {
        PagedMemory m = memory;
        boolean memoryRefused = m != null && m.refusedGrowPages() > 0;
        if (t instanceof GuestExitException e) {
            if (e.exitCode() == 0 && closing) {
                return new Exit(null, "exited with code 0", null, 0);
            }
            if (memoryRefused) {
                return oom(m, e);
            }
            return new Exit(FailureKind.EXIT, "exited with code " + e.exitCode(), e, e.exitCode());
        }
        if (t instanceof StartRefused) {
            return new Exit(FailureKind.START_FAILED, t.getMessage(), t, -1);
        }
        if (t instanceof HostAbort || t instanceof WasmInterruptedException || hasCause(t, InterruptedException.class)
                || hasCause(t, HostAbort.class)) {
            if (closing) {
                return new Exit(null, "stopped while closing", null, -1);
            }
            return new Exit(FailureKind.UNRESPONSIVE, "interrupted by the host", t, -1);
        }
        if (t instanceof StackOverflowError
                || (t instanceof WasmEngineException && String.valueOf(t.getMessage()).contains("call stack exhausted"))) {
            return new Exit(FailureKind.STACK_EXHAUSTED, "exhausted its call stack (deep recursion?)", t, -1);
        }
        if (t instanceof TrapException) {
            if (memoryRefused) {
                return oom(m, t);
            }
            return new Exit(FailureKind.TRAP, "trapped: " + t.getMessage(), t, -1);
        }
        if (t instanceof OutOfMemoryError) {
            return new Exit(FailureKind.OUT_OF_MEMORY, "ran the host JVM out of memory", t, -1);
        }
        if (memoryRefused) {
            return oom(m, t);
        }
        if (t instanceof WasmEngineException) {
            return new Exit(FailureKind.TRAP, "failed: " + t.getMessage(), t, -1);
        }
        return new Exit(FailureKind.START_FAILED, "could not run: " + t, t, -1);
    }

    private static Exit oom(PagedMemory m, Throwable cause) {
        return new Exit(FailureKind.OUT_OF_MEMORY, "ran out of memory: it asked to grow by "
                + m.refusedGrowPages() + " pages past its cap of " + m.maximumPages() + " pages ("
                + (m.maximumPages() * 64L / 1024) + " MiB)", cause, -1);
    }

    private static boolean importsFrom(WasmModule module, String importModule) {
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i).module().equals(importModule)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** The module cannot start under these limits. */
    static final class StartRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StartRefused(String message) {
            super(message);
        }
    }
}
