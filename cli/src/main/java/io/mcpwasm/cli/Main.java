package io.mcpwasm.cli;

import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.ModuleLoadException;
import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.AuditListener;
import io.mcpwasm.wasi.CapabilityDeniedException;
import io.mcpwasm.wasi.HostPolicy;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.LoggerFactory;

/**
 * The {@code mcpwasm} command: {@code run} (one server over stdio), {@code serve} (servers from a config file over
 * Streamable HTTP) and {@code inspect} (what a module declares and what a policy would grant it).
 * Exit status: 0 done, 1 failed, 2 bad usage, 3 a required capability was refused.
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int REFUSED = 3;

    static final String USAGE_TEXT = """
            usage:
              mcpwasm run MODULE.wasm [policy flags] [--log FILE]
                  serves one wasm MCP server over stdin/stdout (for an MCP client's command/args)
              mcpwasm serve --config gateway.json [--http HOST:PORT] [--log FILE]
                  serves the config's servers over Streamable HTTP, one endpoint each: /NAME/mcp
              mcpwasm inspect MODULE.wasm [policy flags] [--tools]
                  prints the module's manifest and what the policy would grant and refuse; --tools also starts it
                  under that policy and lists its tools
            policy flags (nothing is granted that the module's manifest does not declare):
              --mount /guest=HOST_DIR[:ro]   bind a declared mount (":ro" forces read-only)
              --allow-host https://host      allow a declared network destination (pattern)
              --env NAME=VALUE               set a declared environment variable
              --secret NAME=@FILE            supply a declared secret, read from FILE
              --memory 64MiB                 cap linear memory
              --timeout 20s                  cap each request's time
              --max-message 4MiB             cap one JSON-RPC message
              --allow-realtime-clock         give the real wall clock (the default; undoes a config that withholds it)
            """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, new FileOutputStream(FileDescriptor.out)));
    }

    /**
     * Runs one command. {@code stdout} receives protocol messages ({@code run}) or the report ({@code inspect});
     * everything else goes to stderr or the {@code --log} file.
     */
    static int run(String[] args, java.io.InputStream stdin, OutputStream stdout) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.err.print(USAGE_TEXT);
            return args.length == 0 ? USAGE : OK;
        }
        Args a;
        try {
            a = Args.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("mcpwasm: " + e.getMessage());
            System.err.print(USAGE_TEXT);
            return USAGE;
        }
        configureLogging(a.log, a.command.equals("inspect") ? "warn" : "info");
        // Nothing but protocol messages may reach the real stdout: stray prints go to stderr.
        PrintStream realOut = new PrintStream(stdout, true, java.nio.charset.StandardCharsets.UTF_8);
        System.setOut(System.err);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                io.mcpwasm.wasi.internal.DaemonThreads.named("mcpwasm-timeouts-"));
        try (McpRuntime runtime = McpRuntime.builder().auditListener(Main::hintRefusal).build()) {
            return switch (a.command) {
                case "run" -> {
                    McpModule module = runtime.load(a.module);
                    HostPolicy policy = a.policy.build();
                    yield new StdioGateway(realOut, policy.maxMessageBytes()).serve(module, policy,
                            PolicyFlags.callTimeout(module.manifest().orElse(null), policy), timer, stdin);
                }
                case "serve" -> HttpGateway.serve(runtime, GatewayConfig.load(a.config), a.http, timer);
                case "inspect" -> Inspect.print(runtime, runtime.load(a.module), a.policy.build(), a.tools, realOut);
                default -> throw new IllegalStateException(a.command);
            };
        } catch (CapabilityDeniedException e) {
            LoggerFactory.getLogger("mcpwasm.gateway").error("{}", e.getMessage());
            return REFUSED;
        } catch (ModuleLoadException | IllegalArgumentException e) {
            LoggerFactory.getLogger("mcpwasm.gateway").error("{}", e.getMessage());
            return FAILED;
        } finally {
            timer.shutdownNow();
        }
    }

    /** After each refusal the audit logger recorded, says which flag would grant it. */
    private static void hintRefusal(AuditEvent e) {
        String hint = e.decision() == AuditEvent.Decision.DENIED ? PolicyFlags.hint(e) : null;
        if (hint != null) {
            LoggerFactory.getLogger("mcpwasm.gateway").warn("server '{}' refused {} {}: {}", e.server(),
                    e.capability(), e.target(), hint);
        }
    }

    private static void configureLogging(Path logFile, String level) {
        // slf4j-simple reads these when the first logger is made (no logger exists before this point).
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.logFile", logFile != null ? logFile.toString() : "System.err");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
    }

    /** The parsed command line. */
    static final class Args {
        String command;
        Path module;
        Path config;
        String http;
        Path log;
        boolean tools;
        final HostPolicy.Builder policy = HostPolicy.builder();

        static Args parse(String[] args) {
            Args a = new Args();
            a.command = args[0];
            if (!List.of("run", "serve", "inspect").contains(a.command)) {
                throw new IllegalArgumentException("unknown command '" + a.command + "'");
            }
            Path cwd = Path.of("").toAbsolutePath();
            List<String> positional = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                String f = args[i];
                if (f.equals("--allow-realtime-clock")) {
                    a.policy.allowRealtimeClock();
                } else if (f.equals("--tools") && a.command.equals("inspect")) {
                    a.tools = true;
                } else if (f.startsWith("--")) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(f + " needs a value");
                    }
                    String v = args[++i];
                    switch (f) {
                        case "--log" -> a.log = Path.of(v);
                        case "--config" -> a.config = Path.of(v);
                        case "--http" -> a.http = v;
                        default -> {
                            if (!PolicyFlags.FLAGS.contains(f) || a.command.equals("serve")) {
                                throw new IllegalArgumentException("unknown option " + f + " for " + a.command);
                            }
                            PolicyFlags.apply(a.policy, f, v, cwd);
                        }
                    }
                } else {
                    positional.add(f);
                }
            }
            if (a.command.equals("serve")) {
                if (a.config == null || !positional.isEmpty()) {
                    throw new IllegalArgumentException("serve needs --config FILE and nothing else");
                }
            } else if (positional.size() != 1) {
                throw new IllegalArgumentException(a.command + " needs exactly one MODULE.wasm");
            } else {
                a.module = Path.of(positional.get(0));
            }
            return a;
        }
    }
}
