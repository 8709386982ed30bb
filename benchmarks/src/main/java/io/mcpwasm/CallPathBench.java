package io.mcpwasm;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpwasm.bench.Samples;
import io.mcpwasm.internal.GuestProcess;
import io.mcpwasm.internal.protocol.McpSession;
import io.mcpwasm.wasi.HostPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the in-process trivial call's time goes (zig-tools {@code sha256} of "x", the call of {@code CallBench}),
 * taken apart by driving fewer layers. In package {@code io.mcpwasm} because it starts a bare guest process through
 * the module's package-private factory.
 *
 * <ul>
 *   <li>{@code server}: {@link McpServer#call}, the whole path (as {@code CallBench zig-tools:inprocess}).</li>
 *   <li>{@code lines}: the same request line, pre-encoded, queued on a bare guest's stdin; the caller parks until
 *       the guest's answer line reaches the sink, which unparks it. Guest + both thread handoffs + line
 *       splitting; no Java JSON, no session.</li>
 *   <li>{@code lines-spin}: as {@code lines}, but the caller spins instead of parking: one handoff (caller to guest)
 *       is left.</li>
 *   <li>{@code batch}: {@value #BATCH} request lines queued at once and the caller waits for the last answer;
 *       JMH shows the time of the whole batch, divide it by {@value #BATCH} for the guest's own
 *       work per call (its WASI reads and writes included), with the two handoffs spread over the batch.</li>
 *   <li>{@code session}: the Java side only: an {@link McpSession} whose sender answers each request on the calling
 *       thread with the guest's pre-encoded answer line; its event executor runs tasks inline. Encoding, pending
 *       map, timer, parsing, decoding, completing the future: no guest, no thread hop.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:-DontCompileHugeMethods", "-Xss8m", "-Xmx2g",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class CallPathBench {
    static final int BATCH = 32;
    private static final byte[] REQUEST = ("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":"
            + "{\"name\":\"sha256\",\"arguments\":{\"text\":\"x\"}}}\n").getBytes(StandardCharsets.UTF_8);

    @Param({"server", "lines", "lines-spin", "batch", "session"})
    public String mode;

    private McpRuntime runtime;
    private McpServer server;
    private GuestProcess process;
    private McpSession session;
    private ScheduledExecutorService scheduler;
    private byte[] batch;
    private final AtomicLong answers = new AtomicLong();
    private volatile Thread waiter;
    private volatile long expected;
    private final Map<String, Object> arguments = Map.of("text", "x");
    private byte[] answerLine;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        runtime = McpRuntime.builder().compileCache(Samples.compileCache()).build();
        McpModule module = runtime.load(Samples.wasm(Samples.ZIG));
        switch (mode) {
            case "server" -> server = module.start(HostPolicy.builder().build());
            case "lines", "lines-spin", "batch" -> startBare(module);
            case "session" -> startLoopSession(module);
            default -> throw new IllegalArgumentException(mode);
        }
        batch = new byte[REQUEST.length * BATCH];
        for (int i = 0; i < BATCH; i++) {
            System.arraycopy(REQUEST, 0, batch, i * REQUEST.length, REQUEST.length);
        }
        call();
    }

    private void startBare(McpModule module) throws InterruptedException {
        process = module.newProcess(module.grants(HostPolicy.builder().build()), ServerOptions.defaults(),
                (b, off, len) -> {
                    Thread w = waiter;
                    if (answers.incrementAndGet() >= expected && w != null) {
                        LockSupport.unpark(w);
                    }
                }, exit -> { });
        process.start();
        expected = 1;
        process.send(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}\n"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n").getBytes(StandardCharsets.UTF_8));
        awaitAnswers(true);
    }

    /** Captures the guest's real answer line once, then serves it from a session that never leaves the thread. */
    private void startLoopSession(McpModule module) throws InterruptedException {
        byte[][] captured = new byte[1][];
        process = module.newProcess(module.grants(HostPolicy.builder().build()), ServerOptions.defaults(),
                (b, off, len) -> {
                    captured[0] = java.util.Arrays.copyOfRange(b, off, off + len);
                    answers.incrementAndGet();
                }, exit -> { });
        process.start();
        process.send(REQUEST);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (answers.get() < 1 && System.nanoTime() < until) {
            Thread.sleep(1);
        }
        process.stop(Duration.ofSeconds(5));
        process = null;
        String answer = new String(captured[0], StandardCharsets.UTF_8);
        if (!answer.contains("\"id\":7")) {
            throw new IllegalStateException("unexpected answer " + answer);
        }
        answerLine = answer.replace("\"id\":7", "\"id\":%ID%").getBytes(StandardCharsets.UTF_8);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        McpSession[] self = new McpSession[1];
        ObjectMapper json = new ObjectMapper();
        session = McpSession.builder("loop")
                .eventExecutor(Runnable::run)
                .scheduler(scheduler)
                .sender(line -> {
                    try {
                        long id = json.readTree(line).get("id").asLong();
                        byte[] reply = new String(answerLine, StandardCharsets.UTF_8)
                                .replace("%ID%", Long.toString(id)).getBytes(StandardCharsets.UTF_8);
                        self[0].onMessage(reply, 0, reply.length);
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .build();
        self[0] = session;
    }

    private void awaitAnswers(boolean park) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (answers.get() < expected) {
            if (park) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
            } else {
                Thread.onSpinWait();
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("no answer from the guest");
            }
        }
    }

    @Benchmark
    public Object call() {
        switch (mode) {
            case "server":
                return server.call("sha256", arguments);
            case "session":
                return session.call("sha256", arguments, CallOptions.defaults());
            case "batch":
                expected += BATCH;
                waiter = Thread.currentThread();
                process.send(batch);
                awaitAnswers(true);
                return null;
            default:
                expected++;
                waiter = Thread.currentThread();
                process.send(REQUEST);
                awaitAnswers(mode.equals("lines"));
                return null;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (server != null) {
            server.close();
        }
        if (process != null) {
            process.stop(Duration.ofSeconds(5));
        }
        if (session != null) {
            session.close();
            scheduler.shutdownNow();
        }
        runtime.close();
    }
}
