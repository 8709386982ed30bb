package io.mcpwasm.wasi.internal.manifest;

import io.mcpwasm.wasi.Manifest;
import io.mcpwasm.wasi.ManifestException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A small command for module authors, and the only class of the library that prints:
 * <pre>
 * ManifestTool embed &lt;in.wasm&gt; &lt;manifest.json&gt; &lt;out.wasm&gt;   validate the manifest and write a copy of the
 *                                                     module carrying it (replacing an embedded one)
 * ManifestTool show &lt;in.wasm&gt;                             print the embedded manifest JSON
 * ManifestTool validate &lt;manifest.json | module.wasm&gt;     check a manifest file, or a module's embedded one
 * </pre>
 * Exit codes: 0 success, 1 the input is invalid or cannot be read or written, 2 bad usage.
 *
 * <p>Run it with the module's jar, Jackson and slf4j on the class path, e.g. from this repository:
 * {@code mvn -q -pl wasi-capabilities exec:java -Dexec.mainClass=io.mcpwasm.wasi.internal.manifest.ManifestTool -Dexec.args="show x.wasm"}.
 */
public final class ManifestTool {

    /** Success. */
    public static final int OK = 0;
    /** The input is invalid or a file cannot be read or written. */
    public static final int INVALID = 1;
    /** The command line is wrong. */
    public static final int USAGE = 2;

    private static final String USAGE_TEXT = """
            usage: ManifestTool embed <in.wasm> <manifest.json> <out.wasm>
                   ManifestTool show <in.wasm>
                   ManifestTool validate <manifest.json | module.wasm>""";

    private ManifestTool() {
    }

    /** Runs the command and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command, printing to the given streams.
     *
     * @return the exit code: {@link #OK}, {@link #INVALID} or {@link #USAGE}
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        try {
            switch (args[0]) {
                case "embed" -> {
                    if (args.length != 4) {
                        return usage(err, "embed takes 3 arguments");
                    }
                    byte[] wasm = Files.readAllBytes(Path.of(args[1]));
                    byte[] json = Files.readAllBytes(Path.of(args[2]));
                    byte[] result = Manifest.embed(wasm, json);
                    Files.write(Path.of(args[3]), result);
                    out.println("embedded manifest '" + Manifest.parse(json).name() + "' (" + json.length
                            + " bytes) into " + args[3]);
                    return OK;
                }
                case "show" -> {
                    if (args.length != 2) {
                        return usage(err, "show takes 1 argument");
                    }
                    Optional<byte[]> json = Manifest.embeddedJson(Files.readAllBytes(Path.of(args[1])));
                    if (json.isEmpty()) {
                        err.println(args[1] + ": no '" + Manifest.SECTION_NAME + "' custom section");
                        return INVALID;
                    }
                    out.println(new String(json.get(), StandardCharsets.UTF_8));
                    return OK;
                }
                case "validate" -> {
                    if (args.length != 2) {
                        return usage(err, "validate takes 1 argument");
                    }
                    byte[] bytes = Files.readAllBytes(Path.of(args[1]));
                    Manifest m;
                    if (isWasm(bytes)) {
                        Optional<Manifest> embedded = Manifest.fromWasm(bytes);
                        if (embedded.isEmpty()) {
                            err.println(args[1] + ": no '" + Manifest.SECTION_NAME + "' custom section");
                            return INVALID;
                        }
                        m = embedded.get();
                    } else {
                        m = Manifest.parse(bytes);
                    }
                    out.println(args[1] + ": valid manifest for server '" + m.name() + "'");
                    return OK;
                }
                default -> {
                    return usage(err, "unknown command '" + args[0] + "'");
                }
            }
        } catch (ManifestException e) {
            err.println(args.length > 1 ? args[1] + ": " + e.getMessage() : e.getMessage());
            return INVALID;
        } catch (IOException | RuntimeException e) {
            err.println("error: " + e);
            return INVALID;
        }
    }

    private static boolean isWasm(byte[] b) {
        return b.length >= 4 && b[0] == 0 && b[1] == 'a' && b[2] == 's' && b[3] == 'm';
    }

    private static int usage(PrintStream err, String problem) {
        err.println(problem);
        err.println(USAGE_TEXT);
        return USAGE;
    }
}
