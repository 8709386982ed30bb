package io.mcpwasm.wasi;

import run.endive.runtime.Instance;
import com.dylibso.chicory.wabt.Wat2Wasm;
import run.endive.wasm.Parser;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Builds real wasm guests from WAT for the WASI host tests. {@link #probe} makes a guest that imports every
 * {@code wasi_snapshot_preview1} function with the specification's signature and exports a same-named
 * wrapper for each, so a test drives the host through genuine wasm calls and inspects the guest's memory.
 */
final class WasiGuests {
    private WasiGuests() {}

    /** name -> (params, has result); written from the preview1 witx, independently of the host's table. */
    static final Map<String, String[]> SIGNATURES = new LinkedHashMap<>();

    static {
        sig("args_get", "i32 i32");
        sig("args_sizes_get", "i32 i32");
        sig("environ_get", "i32 i32");
        sig("environ_sizes_get", "i32 i32");
        sig("clock_res_get", "i32 i32");
        sig("clock_time_get", "i32 i64 i32");
        sig("fd_advise", "i32 i64 i64 i32");
        sig("fd_allocate", "i32 i64 i64");
        sig("fd_close", "i32");
        sig("fd_datasync", "i32");
        sig("fd_fdstat_get", "i32 i32");
        sig("fd_fdstat_set_flags", "i32 i32");
        sig("fd_fdstat_set_rights", "i32 i64 i64");
        sig("fd_filestat_get", "i32 i32");
        sig("fd_filestat_set_size", "i32 i64");
        sig("fd_filestat_set_times", "i32 i64 i64 i32");
        sig("fd_pread", "i32 i32 i32 i64 i32");
        sig("fd_prestat_get", "i32 i32");
        sig("fd_prestat_dir_name", "i32 i32 i32");
        sig("fd_pwrite", "i32 i32 i32 i64 i32");
        sig("fd_read", "i32 i32 i32 i32");
        sig("fd_readdir", "i32 i32 i32 i64 i32");
        sig("fd_renumber", "i32 i32");
        sig("fd_seek", "i32 i64 i32 i32");
        sig("fd_sync", "i32");
        sig("fd_tell", "i32 i32");
        sig("fd_write", "i32 i32 i32 i32");
        sig("path_create_directory", "i32 i32 i32");
        sig("path_filestat_get", "i32 i32 i32 i32 i32");
        sig("path_filestat_set_times", "i32 i32 i32 i32 i64 i64 i32");
        sig("path_link", "i32 i32 i32 i32 i32 i32 i32");
        sig("path_open", "i32 i32 i32 i32 i32 i64 i64 i32 i32");
        sig("path_readlink", "i32 i32 i32 i32 i32 i32");
        sig("path_remove_directory", "i32 i32 i32");
        sig("path_rename", "i32 i32 i32 i32 i32 i32");
        sig("path_symlink", "i32 i32 i32 i32 i32");
        sig("path_unlink_file", "i32 i32 i32");
        sig("poll_oneoff", "i32 i32 i32 i32");
        SIGNATURES.put("proc_exit", new String[] {"i32", ""});
        sig("proc_raise", "i32");
        sig("sched_yield", "");
        sig("random_get", "i32 i32");
        sig("sock_accept", "i32 i32 i32");
        sig("sock_recv", "i32 i32 i32 i32 i32 i32");
        sig("sock_send", "i32 i32 i32 i32 i32");
        sig("sock_shutdown", "i32 i32");
    }

    private static void sig(String name, String params) {
        SIGNATURES.put(name, new String[] {params, "i32"});
    }

    /** WAT of a guest that imports every function and re-exports a wrapper named like it. */
    static String probeWat() {
        StringBuilder imports = new StringBuilder();
        StringBuilder funcs = new StringBuilder();
        for (Map.Entry<String, String[]> e : SIGNATURES.entrySet()) {
            String name = e.getKey();
            String params = e.getValue()[0];
            String result = e.getValue()[1];
            String p = params.isEmpty() ? "" : " (param " + params + ")";
            String r = result.isEmpty() ? "" : " (result " + result + ")";
            imports.append("  (import \"wasi_snapshot_preview1\" \"").append(name).append("\" (func $w_").append(name)
                .append(p).append(r).append("))\n");
            funcs.append("  (func (export \"").append(name).append("\")").append(p).append(r);
            int n = params.isEmpty() ? 0 : params.split(" ").length;
            for (int i = 0; i < n; i++) {
                funcs.append(" local.get ").append(i);
            }
            funcs.append(" call $w_").append(name).append(")\n");
        }
        return "(module\n" + imports + "  (memory (export \"memory\") 1)\n" + funcs + ")\n";
    }

    /** A probe guest instantiated on {@code host}. */
    static Instance probe(WasiHost host) {
        return instantiate(probeWat(), host);
    }

    static Instance probe(Sandbox sandbox) {
        return Instance.builder(Parser.parse(Wat2Wasm.parse(probeWat()))).withImportValues(sandbox.toImportValues())
                .withStart(false).build();
    }

    static Instance instantiate(String wat, WasiHost host) {
        byte[] wasm = Wat2Wasm.parse(wat);
        return Instance.builder(Parser.parse(wasm)).withImportValues(host.toImportValues()).withStart(false).build();
    }

    /** Calls an exported wrapper; returns its errno (or 0 for functions without result). */
    static int call(Instance guest, String name, long... args) {
        long[] r = guest.export(name).apply(args);
        return r == null || r.length == 0 ? 0 : (int) r[0];
    }

    static void putString(Instance guest, int at, String s) {
        guest.memory().write(at, s.getBytes(StandardCharsets.UTF_8));
    }

    static String getString(Instance guest, int at, int len) {
        return new String(guest.memory().readBytes(at, len), StandardCharsets.UTF_8);
    }

    /** Writes one iovec {buf, len} at {@code at}. */
    static void iovec(Instance guest, int at, int buf, int len) {
        guest.memory().writeI32(at, buf);
        guest.memory().writeI32(at + 4, len);
    }

    /** Runs the guest's {@code _start} on a new daemon thread; the future ends with its return or its failure. */
    static CompletableFuture<Void> startOnThread(Instance guest, String threadName) {
        CompletableFuture<Void> run = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                guest.export("_start").apply();
                run.complete(null);
            } catch (Throwable e) {
                run.completeExceptionally(e);
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
        return run;
    }
}
