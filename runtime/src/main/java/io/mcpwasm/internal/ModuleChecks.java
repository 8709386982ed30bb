package io.mcpwasm.internal;

import run.endive.wasm.WasmModule;
import run.endive.wasm.types.Export;
import run.endive.wasm.types.ExternalType;
import run.endive.wasm.types.Import;
import java.util.Set;

/** Checks, at load time, that a module is something mcpwasm can run: a WASI preview1 command. */
public final class ModuleChecks {
    /** Import modules the host provides. */
    public static final Set<String> HOST_MODULES = Set.of("wasi_snapshot_preview1", "mcpwasm_http_v1");

    private ModuleChecks() {}

    /** Null when the module is a runnable WASI command, else what is wrong, in words. */
    public static String wasiCommandProblem(WasmModule module) {
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
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            Import imp = imports.getImport(i);
            if (!HOST_MODULES.contains(imp.module())) {
                return "it imports " + imp.module() + "." + imp.name()
                        + ", which this host does not provide (it provides " + HOST_MODULES + ")";
            }
            if (imp.importType() != ExternalType.FUNCTION) {
                return "it imports " + imp.importType() + " " + imp.module() + "." + imp.name()
                        + "; only functions are provided";
            }
        }
        return null;
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
