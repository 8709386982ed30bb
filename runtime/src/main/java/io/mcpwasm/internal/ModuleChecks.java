package io.mcpwasm.internal;

import io.mcpwasm.wasi.WasiHost;
import io.mcpwasm.wasi.http.HttpImports;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import run.endive.runtime.HostFunction;
import run.endive.wasm.WasmModule;
import run.endive.wasm.types.Export;
import run.endive.wasm.types.ExternalType;
import run.endive.wasm.types.FunctionImport;
import run.endive.wasm.types.FunctionType;
import run.endive.wasm.types.Import;

/** Checks, at load time, that a module is something mcpwasm can run: a WASI preview1 command. */
public final class ModuleChecks {
    private ModuleChecks() {}

    /**
     * Every function the host provides, by import module and name, with its type: read from the host's own
     * functions (a host made for no server), so that this list cannot drift from what instantiation supplies.
     */
    private static final class Provided {
        static final Map<String, Map<String, FunctionType>> FUNCTIONS = catalog();

        private static Map<String, Map<String, FunctionType>> catalog() {
            Map<String, Map<String, FunctionType>> out = new TreeMap<>();
            try (WasiHost wasi = WasiHost.builder("module-checks").build()) {
                add(out, wasi.hostFunctions());
            }
            // Only names and types are read: the TLS context is never used, so the JVM's default is not loaded here.
            try {
                add(out, List.of(HttpImports.builder("module-checks")
                        .sslContext(javax.net.ssl.SSLContext.getInstance("TLS")).build().hostFunctions()));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JVM has no TLS", e);
            }
            out.replaceAll((module, functions) -> Collections.unmodifiableMap(functions));
            return Collections.unmodifiableMap(out);
        }

        private static void add(Map<String, Map<String, FunctionType>> out, List<HostFunction> functions) {
            for (HostFunction f : functions) {
                out.computeIfAbsent(f.module(), m -> new TreeMap<>()).put(f.name(), f.functionType());
            }
        }
    }

    /** Null when the module is a runnable WASI command, else what is wrong, in words. */
    public static String wasiCommandProblem(WasmModule module) {
        String imports = importProblem(module);
        if (imports != null) {
            return imports;
        }
        boolean start = false;
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            Export e = exports.getExport(i);
            if (e.name().equals("_start") && e.exportType() == ExternalType.FUNCTION) {
                start = true;
            }
        }
        if (!start) {
            return "not a WASI command: it exports no _start function (build it as a wasm32-wasip1 executable,"
                    + " not a library or reactor)";
        }
        return null;
    }

    /**
     * Every import the host cannot satisfy, all at once: an unknown module, a function the host does not have, a
     * function of another type, or something other than a function. Refused at load rather than at start, where the
     * engine would only say "unknown import".
     */
    private static String importProblem(WasmModule module) {
        Map<String, Map<String, FunctionType>> provided = Provided.FUNCTIONS;
        List<String> missing = new ArrayList<>();
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            Import imp = imports.getImport(i);
            String what = imp.module() + "." + imp.name();
            Map<String, FunctionType> functions = provided.get(imp.module());
            if (!(imp instanceof FunctionImport f) || imp.importType() != ExternalType.FUNCTION) {
                missing.add(what + " (a " + imp.importType().name().toLowerCase(java.util.Locale.ROOT)
                        + "; the host provides only functions)");
            } else if (functions == null || !functions.containsKey(imp.name())) {
                missing.add(what);
            } else {
                FunctionType wanted = f.typeIndex() >= 0 && f.typeIndex() < module.typeSection().typeCount()
                        ? module.typeSection().getType(f.typeIndex()) : null;
                FunctionType has = functions.get(imp.name());
                if (!has.equals(wanted)) {
                    missing.add(what + " of type " + wanted + " (the host's is " + has + ")");
                }
            }
        }
        if (missing.isEmpty()) {
            return null;
        }
        return "it imports what this host does not provide: " + String.join(", ", missing) + ". This host provides "
                + provided.entrySet().stream()
                        .map(e -> e.getKey() + " (" + String.join(", ", e.getValue().keySet()) + ")")
                        .collect(Collectors.joining(" and "));
    }

    /** A module name usable as a manifest name and in thread and logger names: {@code [a-z0-9][a-z0-9._-]*}. */
    public static String safeName(String name) {
        String s = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._-]", "-").replaceFirst("^[._-]+", "");
        return s.isEmpty() ? "module" : s;
    }

    /** The manifest of a module that carries none: its name, and no capability at all. */
    public static io.mcpwasm.wasi.Manifest emptyManifest(String name) {
        return io.mcpwasm.wasi.Manifest.parse("{\"manifestVersion\":1,\"name\":\"" + safeName(name) + "\"}");
    }
}
